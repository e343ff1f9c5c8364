# The harness itself: parameters are refused as SSM refuses them and substituted as SSM Agent substitutes
# them, and the stubs keep the behaviour the documents rely on (no prompt under -NonInteractive).

BeforeAll {
  Import-Module (Join-Path $PSScriptRoot 'harness/Harness.psm1') -Force
}

Describe 'rendering a document' {
  It 'substitutes every {{ Param }} occurrence, and defaults for parameters not passed' {
    $script = Get-DocumentScript group-change @{ Action = 'add'; GroupName = 'gMSA Hosts'; ComputerNames = 'WEB1$'; ObjectSids = '-'; DomainName = 'corp.example.com' }
    $script.Text | Should -Match ([regex]::Escape("`$action = 'add'"))
    $script.Text | Should -Match ([regex]::Escape("`$deleteAccount = 'false' -eq 'true'"))
    $script.Text | Should -Match "`n$"
  }

  It 'refuses a value SSM would refuse (allowedPattern), an undeclared and a missing parameter' {
    { Get-DocumentScript group-change @{ Action = 'add'; GroupName = "x';Remove-ADGroup 'y"; ComputerNames = 'WEB1$'; DomainName = 'corp.example.com' } } | Should -Throw '*InvalidParameters*'
    { Get-DocumentScript refresh-windows @{ Nope = 'x' } } | Should -Throw '*declares no parameter Nope*'
    { Get-DocumentScript list-members @{ GroupName = 'g' } } | Should -Throw '*needs DomainName*'
  }
}

Describe 'the stub directory' {
  BeforeEach { Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB1$') } -Computers 'WEB1$' }

  It 'fails an unsuppressed confirmation prompt, as a non-interactive host does' {
    $env:GMSA_STUB_CALLS = New-TemporaryFile
    try {
      Import-Module ActiveDirectory
      { Remove-ADGroupMember -Identity 'gMSA Hosts' -Members 'WEB1$' -Server 'corp.example.com' -ErrorAction Stop } | Should -Throw '*NonInteractive*'
      Get-StubMembers 'gMSA Hosts' | Should -BeExactly 'WEB1$'
    } finally { Remove-Item $env:GMSA_STUB_CALLS; $env:GMSA_STUB_CALLS = $null }
  }

  It 'finds a computer by sAMAccountName with its $, not by the bare host name' {
    $env:GMSA_STUB_CALLS = New-TemporaryFile
    try {
      Import-Module ActiveDirectory
      (Get-ADComputer -Identity 'WEB1$').SID | Should -Match '^S-1-5-21-'
      { Get-ADComputer -Identity 'WEB1' } | Should -Throw "Cannot find an object with identity: 'WEB1'*"
      (Get-ADComputer -Identity 'WEB1$').PSObject.Properties.Name | Should -Not -Contain 'whenCreated'
      (Get-ADComputer -Identity 'WEB1$' -Properties whenCreated).whenCreated | Should -BeOfType [datetime]
    } finally { Remove-Item $env:GMSA_STUB_CALLS; $env:GMSA_STUB_CALLS = $null }
  }
}
