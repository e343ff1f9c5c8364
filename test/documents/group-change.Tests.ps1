# GroupChange (ssm/group-change.yml) run under PowerShell against the stub ActiveDirectory module: the exact
# cmdlet calls, result lines and exit codes for add, remove, delete and their failures.

BeforeAll {
  Import-Module (Join-Path $PSScriptRoot 'harness/Harness.psm1') -Force
  $script:Domain = 'corp.example.com'
  $script:Group = 'gMSA Hosts'
  $script:Base = 'DC=corp,DC=example,DC=com'
  function Invoke-GroupChange([string] $Action, [string[]] $Names, [string] $Delete = 'false') {
    Invoke-Document group-change @{ Action = $Action; GroupName = $Group; ComputerNames = $Names -join ','; DomainName = $Domain; DeleteComputerAccount = $Delete }
  }
  $script:GetGroup = "Get-ADGroup -Identity 'gMSA Hosts' -Server 'corp.example.com'"
  function Add-Call([string] $name) { "Add-ADGroupMember -Identity 'gMSA Hosts' -Members '$name' -Server 'corp.example.com'" }
  function Remove-Call([string] $name) { "Remove-ADGroupMember -Identity 'gMSA Hosts' -Members '$name' -Server 'corp.example.com' -Confirm:`$false" }
  function Get-Call([string] $name) { "Get-ADComputer -Identity '$name' -Server 'corp.example.com'" }
  function Delete-Call([string] $name) { "Remove-ADObject -Recursive -Server 'corp.example.com' -Confirm:`$false -Identity 'CN=$($name.TrimEnd('$')),CN=Computers,$Base'" }
  function NotFound([string] $id) { "Cannot find an object with identity: '$id' under: '$Base'." }
}

Describe 'GroupChange add' {
  It 'adds each computer account to the group and prints one ok line per name' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$', 'WEB2$'
    $run = Invoke-GroupChange add 'WEB1$', 'WEB2$'
    $run.Calls | Should -BeExactly @($GetGroup, (Add-Call 'WEB1$'), (Add-Call 'WEB2$'))
    $run.Stdout | Should -BeExactly @('GMSA-READY-RESULT WEB1$ ok', 'GMSA-READY-RESULT WEB2$ ok')
    $run.Stderr | Should -BeNullOrEmpty
    $run.ExitCode | Should -Be 0
    Get-StubMembers 'gMSA Hosts' | Should -BeExactly @('WEB1$', 'WEB2$')
  }

  It 'reports ok for an account that is already a member (permissive modify)' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB1$') } -Computers 'WEB1$'
    $run = Invoke-GroupChange add 'WEB1$'
    $run.Calls | Should -BeExactly @($GetGroup, (Add-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ ok'
    $run.ExitCode | Should -Be 0
    Get-StubMembers 'gMSA Hosts' | Should -BeExactly 'WEB1$'
  }

  It 'reports an error for an account that does not exist: adding it is not "already done"' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() }
    $run = Invoke-GroupChange add 'WEB1$'
    $run.Stdout | Should -BeExactly "GMSA-READY-RESULT WEB1`$ error $(NotFound 'WEB1$')"
    $run.ExitCode | Should -Be 1
  }

  It 'reports every name as failed when the group is missing, and changes nothing' {
    Set-StubDirectory -Computers 'WEB1$', 'WEB2$'
    $run = Invoke-GroupChange add 'WEB1$', 'WEB2$'
    $run.Calls | Should -BeExactly $GetGroup
    $run.Stdout | Should -BeExactly @("GMSA-READY-RESULT WEB1`$ error $(NotFound 'gMSA Hosts')", "GMSA-READY-RESULT WEB2`$ error $(NotFound 'gMSA Hosts')")
    $run.ExitCode | Should -Be 1
  }

  It 'reports insufficient rights as an error line and exit 1' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$' -Denied 'Add-ADGroupMember WEB1$'
    $run = Invoke-GroupChange add 'WEB1$'
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ error Insufficient access rights to perform the operation'
    $run.ExitCode | Should -Be 1
    Get-StubMembers 'gMSA Hosts' | Should -BeNullOrEmpty
  }

  It 'goes on after a failed name in a batch and fails the command (partial batch failure)' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$', 'WEB2$', 'WEB3$' -Denied 'Add-ADGroupMember WEB2$'
    $run = Invoke-GroupChange add 'WEB1$', 'WEB2$', 'WEB3$'
    $run.Calls | Should -BeExactly @($GetGroup, (Add-Call 'WEB1$'), (Add-Call 'WEB2$'), (Add-Call 'WEB3$'))
    $run.Stdout | Should -BeExactly @(
      'GMSA-READY-RESULT WEB1$ ok'
      'GMSA-READY-RESULT WEB2$ error Insufficient access rights to perform the operation'
      'GMSA-READY-RESULT WEB3$ ok'
    )
    $run.ExitCode | Should -Be 1
    Get-StubMembers 'gMSA Hosts' | Should -BeExactly @('WEB1$', 'WEB3$')
  }
}

Describe 'GroupChange remove' {
  It 'removes the member without a prompt and keeps the account when not asked to delete it' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB1$', 'WEB2$') } -Computers 'WEB1$', 'WEB2$'
    $run = Invoke-GroupChange remove 'WEB1$'
    $run.Calls | Should -BeExactly @($GetGroup, (Remove-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ ok'
    $run.ExitCode | Should -Be 0
    Get-StubMembers 'gMSA Hosts' | Should -BeExactly 'WEB2$'
    Test-StubComputer 'WEB1$' | Should -BeTrue
  }

  It 'removes the member, then deletes the account with its child objects' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB1$') } -Computers @{ SamAccountName = 'WEB1$'; ChildObjects = 2 }
    $run = Invoke-GroupChange remove 'WEB1$' -Delete true
    $run.Calls | Should -BeExactly @($GetGroup, (Remove-Call 'WEB1$'), (Get-Call 'WEB1$'), (Delete-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ ok'
    $run.ExitCode | Should -Be 0
    Test-StubComputer 'WEB1$' | Should -BeFalse
    Get-StubMembers 'gMSA Hosts' | Should -BeNullOrEmpty
  }

  It 'reports ok for an account already out of the group' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$'
    $run = Invoke-GroupChange remove 'WEB1$'
    $run.Calls | Should -BeExactly @($GetGroup, (Remove-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ ok'
    $run.ExitCode | Should -Be 0
  }

  It 'reports ok for an account that is already gone, member and object' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() }
    $run = Invoke-GroupChange remove 'WEB1$' -Delete true
    $run.Calls | Should -BeExactly @($GetGroup, (Remove-Call 'WEB1$'), (Get-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ ok'
    $run.ExitCode | Should -Be 0
  }

  It 'does not read a missing group as "member already gone"' {
    Set-StubDirectory -Computers 'WEB1$'
    $run = Invoke-GroupChange remove 'WEB1$' -Delete true
    $run.Calls | Should -BeExactly $GetGroup
    $run.Stdout | Should -BeExactly "GMSA-READY-RESULT WEB1`$ error $(NotFound 'gMSA Hosts')"
    $run.ExitCode | Should -Be 1
    Test-StubComputer 'WEB1$' | Should -BeTrue
  }

  It 'reports insufficient rights to delete the account, after removing the membership' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB1$') } -Computers 'WEB1$' -Denied 'Remove-ADObject WEB1$'
    $run = Invoke-GroupChange remove 'WEB1$' -Delete true
    $run.Calls | Should -BeExactly @($GetGroup, (Remove-Call 'WEB1$'), (Get-Call 'WEB1$'), (Delete-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ error Insufficient access rights to perform the operation'
    $run.ExitCode | Should -Be 1
    Test-StubComputer 'WEB1$' | Should -BeTrue
  }

  It 'goes on after a failed name in a batch (partial batch failure)' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB1$', 'WEB2$', 'WEB3$') } -Computers 'WEB1$', 'WEB2$', 'WEB3$' -Denied 'Remove-ADGroupMember WEB2$'
    $run = Invoke-GroupChange remove 'WEB1$', 'WEB2$', 'WEB3$' -Delete true
    $run.Calls | Should -BeExactly @(
      $GetGroup
      (Remove-Call 'WEB1$'), (Get-Call 'WEB1$'), (Delete-Call 'WEB1$')
      (Remove-Call 'WEB2$')
      (Remove-Call 'WEB3$'), (Get-Call 'WEB3$'), (Delete-Call 'WEB3$')
    )
    $run.Stdout | Should -BeExactly @(
      'GMSA-READY-RESULT WEB1$ ok'
      'GMSA-READY-RESULT WEB2$ error Insufficient access rights to perform the operation'
      'GMSA-READY-RESULT WEB3$ ok'
    )
    $run.ExitCode | Should -Be 1
    Test-StubComputer 'WEB2$' | Should -BeTrue
    Get-StubMembers 'gMSA Hosts' | Should -BeExactly 'WEB2$'
  }
}

Describe 'GroupChange delete' {
  It 'deletes the account without touching the membership' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$'
    $run = Invoke-GroupChange delete 'WEB1$' -Delete true
    $run.Calls | Should -BeExactly @($GetGroup, (Get-Call 'WEB1$'), (Delete-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ ok'
    $run.ExitCode | Should -Be 0
    Test-StubComputer 'WEB1$' | Should -BeFalse
  }

  It 'reports ok for an account that is already gone' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() }
    $run = Invoke-GroupChange delete 'WEB1$' -Delete true
    $run.Calls | Should -BeExactly @($GetGroup, (Get-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ ok'
    $run.ExitCode | Should -Be 0
  }
}
