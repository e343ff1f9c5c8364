# ListMembers (ssm/list-members.yml) run under PowerShell against the stub ActiveDirectory module: the
# member lines the scavenger reads (NAME$ and objectSID), computers only, sorted.

BeforeAll {
  Import-Module (Join-Path $PSScriptRoot 'harness/Harness.psm1') -Force
  $script:Parameters = @{ GroupName = 'gMSA Hosts'; DomainName = 'corp.example.com' }
}

Describe 'ListMembers' {
  It 'prints one GMSA-READY-MEMBER line per computer in the group, sorted, through a memberOf filter' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB2$', 'WEB1$'); 'Other' = @('WEB3$') } -Computers 'WEB1$', 'WEB2$', 'WEB3$'
    $run = Invoke-Document list-members $Parameters
    $run.Calls | Should -BeExactly @(
      "Get-ADGroup -Identity 'gMSA Hosts' -Server 'corp.example.com'"
      "Get-ADComputer -Filter 'memberOf -eq `$groupDn' -Server 'corp.example.com'"
    )
    # The stub numbers computers in order: WEB1$ has RID 1101, WEB2$ 1102 (Set-StubDirectory).
    $run.Stdout | Should -BeExactly @('GMSA-READY-MEMBER WEB1$ S-1-5-21-1004336348-1177238915-682003330-1101', 'GMSA-READY-MEMBER WEB2$ S-1-5-21-1004336348-1177238915-682003330-1102')
    $run.ExitCode | Should -Be 0
  }

  It 'prints nothing and succeeds for an empty group' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() }
    $run = Invoke-Document list-members $Parameters
    $run.Stdout | Should -BeNullOrEmpty
    $run.ExitCode | Should -Be 0
  }

  It 'fails without member lines when the group is missing (the scavenger must not read "no members")' {
    Set-StubDirectory
    $run = Invoke-Document list-members $Parameters
    $run.Stdout | Should -BeNullOrEmpty
    $run.Stderr | Should -BeExactly "Cannot find an object with identity: 'gMSA Hosts' under: 'DC=corp,DC=example,DC=com'."
    $run.ExitCode | Should -Be 1
  }
}
