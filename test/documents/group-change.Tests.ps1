# GroupChange (ssm/group-change.yml) run under PowerShell against the stub ActiveDirectory module: the exact
# cmdlet calls, result lines and exit codes for resolve, and for add, remove and delete by the recorded objectSID.

BeforeAll {
  Import-Module (Join-Path $PSScriptRoot 'harness/Harness.psm1') -Force
  $script:Domain = 'corp.example.com'
  $script:Group = 'gMSA Hosts'
  $script:Base = 'DC=corp,DC=example,DC=com'
  $script:GroupDn = "CN=gMSA Hosts,OU=Groups,$Base"
  # The stub numbers computers in order: the first gets RID 1101 and GUID ...001101 (Set-StubDirectory).
  function Sid([int] $rid) { "S-1-5-21-1004336348-1177238915-682003330-$rid" }
  function Guid([int] $rid) { '00000000-0000-0000-0000-{0:d12}' -f $rid }
  function Dn([string] $name) { "CN=$($name.TrimEnd('$')),CN=Computers,$Base" }
  function Invoke-GroupChange([string] $Action, [string[]] $Names, [string[]] $Sids, [string] $Delete = 'false') {
    Invoke-Document group-change @{ Action = $Action; GroupName = $Group; ComputerNames = $Names -join ','; ObjectSids = $Sids -join ','; DomainName = $Domain; DeleteComputerAccount = $Delete }
  }
  $script:GetGroup = "Get-ADGroup -Identity 'gMSA Hosts' -Server 'corp.example.com' -Properties 'adminCount'"
  function Resolve-Call([string] $identity) { "Get-ADComputer -Identity '$identity' -Server 'corp.example.com' -Properties 'whenCreated','DNSHostName','memberOf'" }
  function Find-Call([string] $identity) { "Get-ADComputer -Identity '$identity' -Server 'corp.example.com' -Properties 'whenCreated','DNSHostName'" }
  function Add-Call([string] $name) { "Add-ADGroupMember -Identity '$GroupDn' -Members '$(Dn $name)' -Server 'corp.example.com'" }
  function Remove-Call([string] $name) { "Remove-ADGroupMember -Identity '$GroupDn' -Members '$(Dn $name)' -Server 'corp.example.com' -Confirm:`$false" }
  function RemoveByName-Call([string] $name) { "Remove-ADGroupMember -Identity '$GroupDn' -Members '$name' -Server 'corp.example.com' -Confirm:`$false" }
  function Delete-Call([int] $rid) { "Remove-ADObject -Identity '$(Guid $rid)' -Recursive -Server 'corp.example.com' -Confirm:`$false" }
  function NotFound([string] $id) { "Cannot find an object with identity: '$id' under: '$Base'." }
  $script:Refused = 'group gMSA Hosts is protected by AdminSDHolder (adminCount 1); gmsa-ready never changes it'
}

Describe 'GroupChange resolve' {
  It 'reads each account by name and prints its identity as one JSON line, its membership by SID, then ok; changes nothing' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB2$'); 'Other' = @('WEB1$') } -Computers 'WEB1$', 'WEB2$'
    $run = Invoke-GroupChange resolve 'WEB1$', 'WEB2$' '-', '-'
    $run.Calls | Should -BeExactly @($GetGroup, (Resolve-Call 'WEB1$'), (Resolve-Call 'WEB2$'))
    $run.Stdout | Should -BeExactly @(
      "GMSA-READY-IDENTITY WEB1`$ {`"sAMAccountName`":`"WEB1`$`",`"objectSid`":`"$(Sid 1101)`",`"objectGuid`":`"$(Guid 1101)`",`"distinguishedName`":`"$(Dn 'WEB1$')`",`"whenCreated`":`"2026-11-25T12:01:00.0000000Z`",`"dNSHostName`":`"web1.corp.example.com`"}"
      "GMSA-READY-MEMBERSHIP WEB1`$ $(Sid 1101) not-member"
      'GMSA-READY-RESULT WEB1$ ok'
      "GMSA-READY-IDENTITY WEB2`$ {`"sAMAccountName`":`"WEB2`$`",`"objectSid`":`"$(Sid 1102)`",`"objectGuid`":`"$(Guid 1102)`",`"distinguishedName`":`"$(Dn 'WEB2$')`",`"whenCreated`":`"2026-11-25T12:02:00.0000000Z`",`"dNSHostName`":`"web2.corp.example.com`"}"
      "GMSA-READY-MEMBERSHIP WEB2`$ $(Sid 1102) member"
      'GMSA-READY-RESULT WEB2$ ok'
    )
    $run.Stderr | Should -BeNullOrEmpty
    $run.ExitCode | Should -Be 0
    Get-StubMembers 'gMSA Hosts' | Should -BeExactly @('WEB2$')
  }

  It 'reports an account that does not exist as an error and exit 1' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() }
    $run = Invoke-GroupChange resolve 'WEB1$' '-'
    $run.Stdout | Should -BeExactly "GMSA-READY-RESULT WEB1`$ error $(NotFound 'WEB1$')"
    $run.ExitCode | Should -Be 1
  }

  It 'refuses a group protected by AdminSDHolder (adminCount 1) without reading any account' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$' -Protected 'gMSA Hosts'
    $run = Invoke-GroupChange resolve 'WEB1$' '-'
    $run.Calls | Should -BeExactly $GetGroup
    $run.Stdout | Should -BeExactly "GMSA-READY-RESULT WEB1`$ error $Refused"
    $run.ExitCode | Should -Be 1
  }

  It 'fails every name when ObjectSids does not have one entry per name' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$', 'WEB2$'
    $run = Invoke-GroupChange add 'WEB1$', 'WEB2$' (Sid 1101)
    $run.Calls | Should -BeNullOrEmpty
    $run.Stdout | Should -BeExactly @('GMSA-READY-RESULT WEB1$ error ObjectSids has 1 entries for 2 names', 'GMSA-READY-RESULT WEB2$ error ObjectSids has 1 entries for 2 names')
    $run.ExitCode | Should -Be 1
  }
}

Describe 'GroupChange add' {
  It 'adds the object with the recorded SID to the group and prints one ok line per name' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$', 'WEB2$'
    $run = Invoke-GroupChange add 'WEB1$', 'WEB2$' (Sid 1101), (Sid 1102)
    $run.Calls | Should -BeExactly @($GetGroup, (Find-Call (Sid 1101)), (Add-Call 'WEB1$'), (Find-Call (Sid 1102)), (Add-Call 'WEB2$'))
    $run.Stdout | Should -BeExactly @('GMSA-READY-RESULT WEB1$ ok', 'GMSA-READY-RESULT WEB2$ ok')
    $run.Stderr | Should -BeNullOrEmpty
    $run.ExitCode | Should -Be 0
    Get-StubMembers 'gMSA Hosts' | Should -BeExactly @('WEB1$', 'WEB2$')
  }

  It 'reports ok for an account that is already a member (permissive modify)' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB1$') } -Computers 'WEB1$'
    $run = Invoke-GroupChange add 'WEB1$' (Sid 1101)
    $run.Calls | Should -BeExactly @($GetGroup, (Find-Call (Sid 1101)), (Add-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ ok'
    $run.ExitCode | Should -Be 0
    Get-StubMembers 'gMSA Hosts' | Should -BeExactly 'WEB1$'
  }

  It 'leaves alone a name that now belongs to another SID, reports it gone and fails' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$'
    $run = Invoke-GroupChange add 'WEB1$' (Sid 1999)
    $run.Calls | Should -BeExactly @($GetGroup, (Find-Call (Sid 1999)), (Find-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly "GMSA-READY-RESULT WEB1`$ gone object $(Sid 1999) no longer exists; the name now belongs to $(Sid 1101), left alone"
    $run.ExitCode | Should -Be 1
    Get-StubMembers 'gMSA Hosts' | Should -BeNullOrEmpty
  }

  It 'never adds an account without a recorded SID (-)' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$'
    $run = Invoke-GroupChange add 'WEB1$' '-'
    $run.Calls | Should -BeExactly $GetGroup
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ error no recorded objectSID: add acts only on a verified object'
    $run.ExitCode | Should -Be 1
    Get-StubMembers 'gMSA Hosts' | Should -BeNullOrEmpty
  }

  It 'reports every name as failed when the group is missing, and changes nothing' {
    Set-StubDirectory -Computers 'WEB1$', 'WEB2$'
    $run = Invoke-GroupChange add 'WEB1$', 'WEB2$' (Sid 1101), (Sid 1102)
    $run.Calls | Should -BeExactly $GetGroup
    $run.Stdout | Should -BeExactly @("GMSA-READY-RESULT WEB1`$ error $(NotFound 'gMSA Hosts')", "GMSA-READY-RESULT WEB2`$ error $(NotFound 'gMSA Hosts')")
    $run.ExitCode | Should -Be 1
  }

  It 'refuses a group protected by AdminSDHolder (adminCount 1) and changes nothing' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$', 'WEB2$' -Protected 'gMSA Hosts'
    $run = Invoke-GroupChange add 'WEB1$', 'WEB2$' (Sid 1101), (Sid 1102)
    $run.Calls | Should -BeExactly $GetGroup
    $run.Stdout | Should -BeExactly @("GMSA-READY-RESULT WEB1`$ error $Refused", "GMSA-READY-RESULT WEB2`$ error $Refused")
    $run.ExitCode | Should -Be 1
    Get-StubMembers 'gMSA Hosts' | Should -BeNullOrEmpty
  }

  It 'reports insufficient rights as an error line and exit 1' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$' -Denied 'Add-ADGroupMember WEB1$'
    $run = Invoke-GroupChange add 'WEB1$' (Sid 1101)
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ error Insufficient access rights to perform the operation'
    $run.ExitCode | Should -Be 1
    Get-StubMembers 'gMSA Hosts' | Should -BeNullOrEmpty
  }

  It 'goes on after a failed name in a batch and fails the command (partial batch failure)' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$', 'WEB2$', 'WEB3$' -Denied 'Add-ADGroupMember WEB2$'
    $run = Invoke-GroupChange add 'WEB1$', 'WEB2$', 'WEB3$' (Sid 1101), (Sid 1102), (Sid 1103)
    $run.Calls | Should -BeExactly @(
      $GetGroup
      (Find-Call (Sid 1101)), (Add-Call 'WEB1$')
      (Find-Call (Sid 1102)), (Add-Call 'WEB2$')
      (Find-Call (Sid 1103)), (Add-Call 'WEB3$')
    )
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
  It 'removes the member by SID without a prompt and keeps the account when not asked to delete it' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB1$', 'WEB2$') } -Computers 'WEB1$', 'WEB2$'
    $run = Invoke-GroupChange remove 'WEB1$' (Sid 1101)
    $run.Calls | Should -BeExactly @($GetGroup, (Find-Call (Sid 1101)), (Remove-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ ok'
    $run.ExitCode | Should -Be 0
    Get-StubMembers 'gMSA Hosts' | Should -BeExactly 'WEB2$'
    Test-StubComputer 'WEB1$' | Should -BeTrue
  }

  It 'removes the member, then deletes the account by objectGUID with its child objects' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB1$') } -Computers @{ SamAccountName = 'WEB1$'; ChildObjects = 2 }
    $run = Invoke-GroupChange remove 'WEB1$' (Sid 1101) -Delete true
    $run.Calls | Should -BeExactly @($GetGroup, (Find-Call (Sid 1101)), (Remove-Call 'WEB1$'), (Delete-Call 1101))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ ok'
    $run.ExitCode | Should -Be 0
    Test-StubComputer 'WEB1$' | Should -BeFalse
    Get-StubMembers 'gMSA Hosts' | Should -BeNullOrEmpty
  }

  It 'reports ok for an account already out of the group' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$'
    $run = Invoke-GroupChange remove 'WEB1$' (Sid 1101)
    $run.Calls | Should -BeExactly @($GetGroup, (Find-Call (Sid 1101)), (Remove-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ ok'
    $run.ExitCode | Should -Be 0
  }

  It 'reports an account that is already gone, member and object, as gone and succeeds' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() }
    $run = Invoke-GroupChange remove 'WEB1$' (Sid 1101) -Delete true
    $run.Calls | Should -BeExactly @($GetGroup, (Find-Call (Sid 1101)), (Find-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly "GMSA-READY-RESULT WEB1`$ gone object $(Sid 1101) no longer exists; no object holds the name now"
    $run.ExitCode | Should -Be 0
  }

  It 'leaves alone a name that now belongs to another SID: neither its membership nor the account' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB1$') } -Computers 'WEB1$'
    $run = Invoke-GroupChange remove 'WEB1$' (Sid 1999) -Delete true
    $run.Calls | Should -BeExactly @($GetGroup, (Find-Call (Sid 1999)), (Find-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly "GMSA-READY-RESULT WEB1`$ gone object $(Sid 1999) no longer exists; the name now belongs to $(Sid 1101), left alone"
    $run.ExitCode | Should -Be 0
    Get-StubMembers 'gMSA Hosts' | Should -BeExactly 'WEB1$'
    Test-StubComputer 'WEB1$' | Should -BeTrue
  }

  It 'without a recorded SID (-) removes the membership by name only and keeps the account, even when asked to delete' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB1$') } -Computers 'WEB1$'
    $run = Invoke-GroupChange remove 'WEB1$' '-' -Delete true
    $run.Calls | Should -BeExactly @($GetGroup, (RemoveByName-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ ok membership removed by name; no recorded objectSID, so the account is kept'
    $run.ExitCode | Should -Be 0
    Get-StubMembers 'gMSA Hosts' | Should -BeNullOrEmpty
    Test-StubComputer 'WEB1$' | Should -BeTrue
  }

  It 'without a recorded SID (-) reports ok for a name that no object holds' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() }
    $run = Invoke-GroupChange remove 'WEB1$' '-'
    $run.Calls | Should -BeExactly @($GetGroup, (RemoveByName-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ ok membership removed by name; no recorded objectSID, so the account is kept'
    $run.ExitCode | Should -Be 0
  }

  It 'does not read a missing group as "member already gone"' {
    Set-StubDirectory -Computers 'WEB1$'
    $run = Invoke-GroupChange remove 'WEB1$' (Sid 1101) -Delete true
    $run.Calls | Should -BeExactly $GetGroup
    $run.Stdout | Should -BeExactly "GMSA-READY-RESULT WEB1`$ error $(NotFound 'gMSA Hosts')"
    $run.ExitCode | Should -Be 1
    Test-StubComputer 'WEB1$' | Should -BeTrue
  }

  It 'refuses a group protected by AdminSDHolder (adminCount 1): no membership change, no deletion' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB1$') } -Computers 'WEB1$' -Protected 'gMSA Hosts'
    $run = Invoke-GroupChange remove 'WEB1$' (Sid 1101) -Delete true
    $run.Calls | Should -BeExactly $GetGroup
    $run.Stdout | Should -BeExactly "GMSA-READY-RESULT WEB1`$ error $Refused"
    $run.ExitCode | Should -Be 1
    Get-StubMembers 'gMSA Hosts' | Should -BeExactly 'WEB1$'
    Test-StubComputer 'WEB1$' | Should -BeTrue
  }

  It 'reports insufficient rights to delete the account, after removing the membership' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB1$') } -Computers 'WEB1$' -Denied 'Remove-ADObject WEB1$'
    $run = Invoke-GroupChange remove 'WEB1$' (Sid 1101) -Delete true
    $run.Calls | Should -BeExactly @($GetGroup, (Find-Call (Sid 1101)), (Remove-Call 'WEB1$'), (Delete-Call 1101))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ error Insufficient access rights to perform the operation'
    $run.ExitCode | Should -Be 1
    Test-StubComputer 'WEB1$' | Should -BeTrue
    Get-StubMembers 'gMSA Hosts' | Should -BeNullOrEmpty
  }

  It 'goes on after a failed name in a batch (partial batch failure)' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB1$', 'WEB2$', 'WEB3$') } -Computers 'WEB1$', 'WEB2$', 'WEB3$' -Denied 'Remove-ADGroupMember WEB2$'
    $run = Invoke-GroupChange remove 'WEB1$', 'WEB2$', 'WEB3$' (Sid 1101), (Sid 1102), (Sid 1103) -Delete true
    $run.Calls | Should -BeExactly @(
      $GetGroup
      (Find-Call (Sid 1101)), (Remove-Call 'WEB1$'), (Delete-Call 1101)
      (Find-Call (Sid 1102)), (Remove-Call 'WEB2$')
      (Find-Call (Sid 1103)), (Remove-Call 'WEB3$'), (Delete-Call 1103)
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
  It 'deletes the account by objectGUID without touching the membership' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$'
    $run = Invoke-GroupChange delete 'WEB1$' (Sid 1101) -Delete true
    $run.Calls | Should -BeExactly @($GetGroup, (Find-Call (Sid 1101)), (Delete-Call 1101))
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ ok'
    $run.ExitCode | Should -Be 0
    Test-StubComputer 'WEB1$' | Should -BeFalse
  }

  It 'reports an account that is already gone as gone and succeeds' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() }
    $run = Invoke-GroupChange delete 'WEB1$' (Sid 1101) -Delete true
    $run.Calls | Should -BeExactly @($GetGroup, (Find-Call (Sid 1101)), (Find-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly "GMSA-READY-RESULT WEB1`$ gone object $(Sid 1101) no longer exists; no object holds the name now"
    $run.ExitCode | Should -Be 0
  }

  It 'never deletes the account that now holds the name under another SID' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$'
    $run = Invoke-GroupChange delete 'WEB1$' (Sid 1999) -Delete true
    $run.Calls | Should -BeExactly @($GetGroup, (Find-Call (Sid 1999)), (Find-Call 'WEB1$'))
    $run.Stdout | Should -BeExactly "GMSA-READY-RESULT WEB1`$ gone object $(Sid 1999) no longer exists; the name now belongs to $(Sid 1101), left alone"
    $run.ExitCode | Should -Be 0
    Test-StubComputer 'WEB1$' | Should -BeTrue
  }

  It 'never deletes an account without a recorded SID (-)' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() } -Computers 'WEB1$'
    $run = Invoke-GroupChange delete 'WEB1$' '-' -Delete true
    $run.Calls | Should -BeExactly $GetGroup
    $run.Stdout | Should -BeExactly 'GMSA-READY-RESULT WEB1$ error no recorded objectSID: delete acts only on a verified object'
    $run.ExitCode | Should -Be 1
    Test-StubComputer 'WEB1$' | Should -BeTrue
  }
}
