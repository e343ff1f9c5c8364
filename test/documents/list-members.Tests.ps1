# ListMembers (ssm/list-members.yml) run under PowerShell against the stub ActiveDirectory module: the
# member lines the scavenger reads (NAME$ and objectSID), computers only, in ordinal name order, a page at a
# time with a GMSA-READY-PAGE marker that lets the parser prove the pages cover the whole group.

BeforeAll {
  Import-Module (Join-Path $PSScriptRoot 'harness/Harness.psm1') -Force
  $script:Parameters = @{ GroupName = 'gMSA Hosts'; DomainName = 'corp.example.com' }
  $script:Sid = 'S-1-5-21-1004336348-1177238915-682003330'
}

Describe 'ListMembers' {
  It 'prints one GMSA-READY-MEMBER line per computer in the group, sorted, through a memberOf filter, then the page marker' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEB2$', 'web1$'); 'Other' = @('WEB3$') } -Computers 'web1$', 'WEB2$', 'WEB3$'
    $run = Invoke-Document list-members $Parameters
    $run.Calls | Should -BeExactly @(
      "Get-ADGroup -Identity 'gMSA Hosts' -Server 'corp.example.com'"
      "Get-ADComputer -Filter 'memberOf -eq `$groupDn' -Server 'corp.example.com'"
    )
    # The stub numbers computers in order: web1$ has RID 1101, WEB2$ 1102 (Set-StubDirectory). Names are upper-cased.
    $run.Stdout | Should -BeExactly @(
      "GMSA-READY-MEMBER WEB1$ $Sid-1101"
      "GMSA-READY-MEMBER WEB2$ $Sid-1102"
      'GMSA-READY-PAGE - 2 2 END'
    )
    $run.ExitCode | Should -Be 0
  }

  It 'orders names ordinally (a hyphen before digits before letters), as the parser checks them' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('WEBA$', 'WEB1$', 'WEB-2$') } -Computers 'WEBA$', 'WEB1$', 'WEB-2$'
    $run = Invoke-Document list-members $Parameters
    $run.Stdout | Should -BeExactly @(
      "GMSA-READY-MEMBER WEB-2$ $Sid-1103"
      "GMSA-READY-MEMBER WEB1$ $Sid-1102"
      "GMSA-READY-MEMBER WEBA$ $Sid-1101"
      'GMSA-READY-PAGE - 3 3 END'
    )
  }

  It 'lists a group larger than one page in pages of 200, each far below the 24,000-character output limit' {
    $names = 1..450 | ForEach-Object { 'HOST{0:d5}$' -f $_ }
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = [string[]]$names } -Computers ([object[]]$names)
    $after = '-'
    $pages = @()
    $listed = [Collections.Generic.List[string]]::new()
    while ($after -ne 'END' -and $pages.Count -lt 10) {
      $run = Invoke-Document list-members ($Parameters + @{ StartAfter = $after })
      $run.ExitCode | Should -Be 0
      ($run.Stdout -join "`r`n").Length | Should -BeLessThan 20000
      $marker = $run.Stdout[-1] -split ' '
      $marker[0] | Should -Be 'GMSA-READY-PAGE'
      $marker[1] | Should -Be $after
      $members = @($run.Stdout | Select-Object -SkipLast 1)
      [int]$marker[2] | Should -Be $members.Count
      [int]$marker[3] | Should -Be 450
      foreach ($line in $members) { $listed.Add(($line -split ' ')[1]) }
      $pages += $members.Count
      $after = $marker[4]
      if ($after -ne 'END') { $after | Should -Be $listed[-1] }
    }
    $pages | Should -BeExactly @(200, 200, 50)
    $listed | Should -BeExactly ([string[]]$names)
  }

  It 'starts after StartAfter even when that member has left the group since' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @('A1$', 'C3$') } -Computers 'A1$', 'C3$'
    $run = Invoke-Document list-members ($Parameters + @{ StartAfter = 'B2$' })
    $run.Stdout | Should -BeExactly @("GMSA-READY-MEMBER C3$ $Sid-1102", 'GMSA-READY-PAGE B2$ 1 2 END')
  }

  It 'prints only the marker and succeeds for an empty group' {
    Set-StubDirectory -Groups @{ 'gMSA Hosts' = @() }
    $run = Invoke-Document list-members $Parameters
    $run.Stdout | Should -BeExactly @('GMSA-READY-PAGE - 0 0 END')
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
