# JoinWindows and JoinLinux (ssm/join-*.yml): joins to a self-managed directory with a credential read on the
# host from Secrets Manager. Windows: Add-Computer, then exit 3010 so SSM reboots and re-runs the script, which
# finds the host joined. Linux: rename to EC2AMAZ-xxxxxx, realm join with the password on stdin. In every
# case, success or failure, the password never reaches the output or any command's arguments.

BeforeAll {
  Import-Module (Join-Path $PSScriptRoot 'harness/Harness.psm1') -Force
  $script:Arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gmsa-ready/join-AbCdEf'
  $script:Password = 'Pa55-w0rd!Zq7#uniq'
  $script:Secret = '{"username": "joiner", "password": "Pa55-w0rd!Zq7#uniq"}'
  $script:Ou = 'OU=Hosts,DC=corp,DC=example,DC=com'
  $script:Parameters = @{ DomainName = 'corp.example.com'; OuPath = $Ou; SecretArn = $Arn }
  # Nothing the run printed or ran may contain the password (or any 6-character piece of it).
  function Assert-PasswordHidden($run) {
    $everything = @($run.Stdout) + @($run.Stderr) + @($run.Calls) + @($run.Script)
    foreach ($i in 0..($Password.Length - 6)) {
      $piece = $Password.Substring($i, 6)
      $everything | Where-Object { $_ -and $_.Contains($piece) } | Should -BeNullOrEmpty -Because "the password ($piece) must not leak"
    }
  }
}

Describe 'JoinWindows' {
  It 'joins with the secret from the host, asks SSM for the reboot (3010), and finds itself joined after it' {
    Set-StubHost -Secrets @{ $Arn = $Secret } -JoinPassword $Password
    $run = Invoke-Document join-windows $Parameters
    $run.Calls | Should -BeExactly @(
      "Get-CimInstance -ClassName 'Win32_ComputerSystem'"
      "Get-SECSecretValue -SecretId '$Arn' -Region 'us-east-1'"
      "Add-Computer -DomainName 'corp.example.com' -Credential 'corp.example.com\joiner' -OUPath '$Ou' -Force"
    )
    $run.Stdout | Should -BeExactly 'GMSA-READY-JOIN ok EC2AMAZ-A1B2C3D reboot'
    $run.ExitCode | Should -Be 3010
    (Get-StubHostState).JoinedWithPassword | Should -BeExactly $Password
    Assert-PasswordHidden $run

    Restart-StubHost
    $again = Invoke-Document join-windows $Parameters
    $again.Calls | Should -BeExactly "Get-CimInstance -ClassName 'Win32_ComputerSystem'"
    $again.Stdout | Should -BeExactly 'GMSA-READY-JOIN ok EC2AMAZ-A1B2C3D'
    $again.ExitCode | Should -Be 0
  }

  It 'sets the DNS servers first when given, and joins the default container without an OU' {
    Set-StubHost -Secrets @{ $Arn = $Secret } -JoinPassword $Password
    $run = Invoke-Document join-windows @{ DomainName = 'corp.example.com'; SecretArn = $Arn; DnsIpAddresses = '10.0.0.10,10.0.1.10' }
    $run.Calls[1..2] | Should -BeExactly @('Get-NetAdapter', "Set-DnsClientServerAddress -InterfaceIndex 6 -ServerAddresses '10.0.0.10','10.0.1.10'")
    $run.Calls[-1] | Should -BeExactly "Add-Computer -DomainName 'corp.example.com' -Credential 'corp.example.com\joiner' -Force"
    $run.ExitCode | Should -Be 3010
  }

  It 'passes a user name that already names its domain as it is' {
    Set-StubHost -Secrets @{ $Arn = '{"username": "joiner@corp.example.com", "password": "Pa55-w0rd!Zq7#uniq"}' } -JoinPassword $Password
    (Invoke-Document join-windows $Parameters).Calls[-1] | Should -BeLike "*-Credential 'joiner@corp.example.com'*"
  }

  It 'refuses a host joined to another domain without reading the secret' {
    Set-StubHost -JoinedDomain 'other.example.com' -Secrets @{ $Arn = $Secret }
    $run = Invoke-Document join-windows $Parameters
    $run.Calls | Should -BeExactly "Get-CimInstance -ClassName 'Win32_ComputerSystem'"
    $run.Stdout | Should -BeExactly 'GMSA-READY-JOIN error the host is joined to other.example.com, not corp.example.com'
    $run.ExitCode | Should -Be 1
  }

  It 'fails, naming the secret, when the instance profile may not read it' {
    Set-StubHost -Secrets @{ $Arn = $Secret } -DeniedSecrets $Arn
    $run = Invoke-Document join-windows $Parameters
    $run.Stdout | Should -BeLike "GMSA-READY-JOIN error reading the join credential failed: *not authorized to perform: secretsmanager:GetSecretValue on resource: $Arn"
    $run.ExitCode | Should -Be 1
    $run.Calls | Should -Not -Contain 'Add-Computer*'
  }

}

Describe 'JoinLinux' {
  It 'renames the host EC2AMAZ-xxxxxx, joins with the password on stdin, and checks the realm' {
    Set-StubHost -ComputerName 'ip-172-31-100-200' -Secrets @{ $Arn = $Secret } -JoinPassword $Password
    $run = Invoke-Document join-linux $Parameters
    $state = Get-StubHostState
    $state.Hostname | Should -MatchExactly '^EC2AMAZ-[A-Za-z0-9]{6}\.corp\.example\.com$'
    $name = $state.Hostname.Split('.')[0]
    $run.Calls | Should -BeExactly @(
      'realm list --name-only'
      "aws secretsmanager get-secret-value --secret-id $Arn --region us-east-1 --query SecretString --output text"
      "hostnamectl set-hostname $name.corp.example.com"
      "realm join -U joiner --computer-name=$name --computer-ou=$Ou corp.example.com"
      'realm list --name-only'
    )
    $run.Stdout | Should -BeExactly "GMSA-READY-JOIN ok $name"
    $run.Stderr | Should -BeNullOrEmpty
    $run.ExitCode | Should -Be 0
    $state.RealmJoinStdin | Should -BeExactly $Password
    $state.Realms | Should -BeExactly 'corp.example.com'
    Assert-PasswordHidden $run
  }

  It 'leaves a host already in the realm as it is (no second rename)' {
    Set-StubHost -ComputerName 'EC2AMAZ-Q5VJZQ.corp.example.com' -Realms 'corp.example.com' -Secrets @{ $Arn = $Secret }
    $run = Invoke-Document join-linux $Parameters
    $run.Calls | Should -BeExactly @('realm list --name-only', 'hostname -s')
    $run.Stdout | Should -BeExactly 'GMSA-READY-JOIN ok EC2AMAZ-Q5VJZQ'
    $run.ExitCode | Should -Be 0
  }

  It 'points the default interface at the domain DNS servers when given' {
    Set-StubHost -Secrets @{ $Arn = $Secret } -JoinPassword $Password
    $run = Invoke-Document join-linux @{ DomainName = 'corp.example.com'; SecretArn = $Arn; DnsIpAddresses = '10.0.0.10,10.0.1.10' }
    $run.Calls[1..3] | Should -BeExactly @('ip -o route show default', 'resolvectl dns ens5 10.0.0.10 10.0.1.10', 'resolvectl domain ens5 corp.example.com')
    $run.Calls | Should -Contain "realm join -U joiner --computer-name=$((Get-StubHostState).Hostname.Split('.')[0]) corp.example.com"
    $run.ExitCode | Should -Be 0
  }

  It 'fails before renaming when the instance profile may not read the secret' {
    Set-StubHost -Secrets @{ $Arn = $Secret } -DeniedSecrets $Arn
    $run = Invoke-Document join-linux $Parameters
    $run.Stdout | Should -BeExactly "GMSA-READY-JOIN error reading the join credential $Arn failed"
    $run.Stderr | Should -BeLike '*AccessDeniedException*'
    $run.ExitCode | Should -Be 1
    $run.Calls | Should -Not -BeLike 'hostnamectl*'
    (Get-StubHostState).Hostname | Should -BeExactly 'EC2AMAZ-A1B2C3D'
  }

}

Describe 'both join documents, failing' {
  It '<Document>: does not quote a secret that is not JSON (a bare password)' -ForEach @(@{ Document = 'join-windows' }, @{ Document = 'join-linux' }) {
    Set-StubHost -Secrets @{ $Arn = $Password } -JoinPassword $Password
    $run = Invoke-Document $Document $Parameters
    $run.Stdout | Should -BeExactly 'GMSA-READY-JOIN error the join credential is not JSON with username and password'
    $run.ExitCode | Should -Be 1
    Assert-PasswordHidden $run
  }

  It '<Document>: reports a refused join without the password' -ForEach @(
    @{ Document = 'join-windows'; Line = 'GMSA-READY-JOIN error Add-Computer failed: *The user name or password is incorrect.' }
    @{ Document = 'join-linux'; Line = 'GMSA-READY-JOIN error realm join corp.example.com failed' }
  ) {
    Set-StubHost -Secrets @{ $Arn = $Secret } -JoinPassword 'another-password'
    $run = Invoke-Document $Document $Parameters
    $run.Stdout | Should -BeLike $Line
    $run.ExitCode | Should -Be 1
    Assert-PasswordHidden $run
  }
}
