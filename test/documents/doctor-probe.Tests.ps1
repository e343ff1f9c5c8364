# DoctorProbe (ssm/doctor-probe.yml) run under PowerShell against the stub ActiveDirectory and Kds modules: the
# GMSA-READY-PROBE lines lib/doctor/probe-output.ts parses (the sandbox's model prints the same), and only reads.

BeforeAll {
  Import-Module (Join-Path $PSScriptRoot 'harness/Harness.psm1') -Force
  $script:Parameters = @{ GroupName = 'gMSA Hosts'; DomainName = 'corp.example.com'; GmsaNames = 'OrdersApi,PaymentsApi' }
  $script:Missing = "Cannot find an object with identity: '{0}' under: 'DC=corp,DC=example,DC=com'."
  function script:Gmsas([string] $names) { @{ GroupName = 'gMSA Hosts'; DomainName = 'corp.example.com'; GmsaNames = $names } }
}

Describe 'DoctorProbe' {
  It 'says ok for the module, the group, each gMSA that allows the group and the KDS root key, and calls only Get- cmdlets' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -ServiceAccounts @{ OrdersApi = @('gMSA Hosts', 'Other'); PaymentsApi = @('gMSA Hosts') }
    $run = Invoke-Document doctor-probe $Parameters
    $run.Stdout | Should -BeExactly @(
      'GMSA-READY-PROBE ad-module ok'
      'GMSA-READY-PROBE host-group ok'
      'GMSA-READY-PROBE gmsa OrdersApi allowed'
      'GMSA-READY-PROBE gmsa PaymentsApi allowed'
      'GMSA-READY-PROBE kds-root-key ok'
    )
    $run.Calls | Should -BeExactly @(
      "Get-ADGroup -Identity 'gMSA Hosts' -Server 'corp.example.com'"
      "Get-ADServiceAccount -Identity 'OrdersApi' -Server 'corp.example.com' -Properties 'PrincipalsAllowedToRetrieveManagedPassword'"
      "Get-ADServiceAccount -Identity 'PaymentsApi' -Server 'corp.example.com' -Properties 'PrincipalsAllowedToRetrieveManagedPassword'"
      'Get-KdsRootKey'
    )
    $run.ExitCode | Should -Be 0
  }

  It 'names a gMSA that does not allow the group, and one that does not exist' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -ServiceAccounts @{ OrdersApi = @('Other') }
    $run = Invoke-Document doctor-probe $Parameters
    $run.Stdout[2..3] | Should -BeExactly @(
      'GMSA-READY-PROBE gmsa OrdersApi not-allowed'
      "GMSA-READY-PROBE gmsa PaymentsApi missing $($Missing -f 'PaymentsApi')"
    )
  }

  It "reports a missing host group with the module's error and does not ask about the gMSAs" {
    Set-StubDirectory -ServiceAccounts @{ OrdersApi = @('gMSA Hosts') }
    $run = Invoke-Document doctor-probe $Parameters
    $run.Stdout | Should -BeExactly @(
      'GMSA-READY-PROBE ad-module ok'
      "GMSA-READY-PROBE host-group missing $($Missing -f 'gMSA Hosts')"
      'GMSA-READY-PROBE kds-root-key ok'
    )
    $run.Calls | Should -Not -Contain "Get-ADServiceAccount -Identity 'OrdersApi' -Server 'corp.example.com' -Properties 'PrincipalsAllowedToRetrieveManagedPassword'"
  }

  It 'reports a domain without a KDS root key, and takes - for no gMSA' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -KdsRootKeys 0
    $run = Invoke-Document doctor-probe (Gmsas '-')
    $run.Stdout | Should -BeExactly @(
      'GMSA-READY-PROBE ad-module ok'
      'GMSA-READY-PROBE host-group ok'
      'GMSA-READY-PROBE kds-root-key missing Get-KdsRootKey returned no key'
    )
  }

  It 'reports a domain controller it cannot reach as an error, not as a missing group' {
    Set-StubDirectory -Domain 'other.example.com' -Groups @{ 'gMSA Hosts' = @() }
    $run = Invoke-Document doctor-probe $Parameters
    $run.Stdout[1] | Should -BeLike 'GMSA-READY-PROBE host-group error Unable to contact the server.*'
  }

  It 'stops after saying the ActiveDirectory module is missing, with PowerShell''s own error, exit 0' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() }
    $harness = Join-Path $PSScriptRoot 'harness'
    $saved = $env:PSModulePath
    try {
      Remove-Module ActiveDirectory -ErrorAction Ignore
      $env:PSModulePath = (($saved -split [IO.Path]::PathSeparator) | Where-Object { $_ -and (Resolve-Path $_ -ErrorAction Ignore).Path -ne (Resolve-Path $harness).Path }) -join [IO.Path]::PathSeparator
      $run = Invoke-Document doctor-probe $Parameters
    } finally {
      $env:PSModulePath = $saved
    }
    $run.Stdout | Should -BeExactly @(
      "GMSA-READY-PROBE ad-module missing The specified module 'ActiveDirectory' was not loaded because no valid module file was found in any module directory."
    )
    $run.Calls | Should -BeNullOrEmpty
    $run.ExitCode | Should -Be 0
  }

  It 'refuses what its allowedPatterns refuse, as SendCommand would' {
    { Invoke-Document doctor-probe (Gmsas "OrdersApi';Remove-ADGroup 'x") } | Should -Throw 'InvalidParameters*'
    { Invoke-Document doctor-probe (Gmsas 'OrdersApi$') } | Should -Throw 'InvalidParameters*'
  }
}
