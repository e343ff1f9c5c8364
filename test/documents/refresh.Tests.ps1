# RefreshWindows and RefreshLinux (ssm/refresh-*.yml): klist and Restart-Service stubbed on Windows,
# systemctl and realm stubbed (PATH shims) under bash on Linux. Every failure is a
# `GMSA-READY-REFRESH error` line and exit 1; success is `GMSA-READY-REFRESH ok` and exit 0.

BeforeAll {
  Import-Module (Join-Path $PSScriptRoot 'harness/Harness.psm1') -Force
  $script:Klist = @('Current LogonId is 0:0x3e7', 'Targeted LogonId is 0:0x3e7', "`tDeleting all tickets:", "`tTicket(s) purged!")
}

Describe 'RefreshWindows' {
  It 'purges the SYSTEM logon session tickets and leaves the ECS agent alone by default' {
    Set-StubHost
    $run = Invoke-Document refresh-windows
    $run.Calls | Should -BeExactly 'klist.exe -li 0x3e7 purge'
    $run.Stdout | Should -BeExactly @($Klist + 'GMSA-READY-REFRESH ok')
    $run.ExitCode | Should -Be 0
  }

  It 'restarts the AmazonECS service when asked' {
    Set-StubHost
    $run = Invoke-Document refresh-windows @{ RestartEcsAgent = 'true' }
    $run.Calls | Should -BeExactly @('klist.exe -li 0x3e7 purge', "Restart-Service -Name 'AmazonECS' -Force")
    $run.Stdout[-1] | Should -BeExactly 'GMSA-READY-REFRESH ok'
    $run.ExitCode | Should -Be 0
  }

  It 'fails when klist fails, without restarting the agent' {
    Set-StubHost -KlistExitCode 1
    $run = Invoke-Document refresh-windows @{ RestartEcsAgent = 'true' }
    $run.Calls | Should -BeExactly 'klist.exe -li 0x3e7 purge'
    $run.Stdout[-1] | Should -BeExactly 'GMSA-READY-REFRESH error klist purge exited with 1'
    $run.ExitCode | Should -Be 1
  }

  It 'fails with a GMSA-READY-REFRESH error line when the ECS agent does not start' {
    Set-StubHost -FailServices AmazonECS
    $run = Invoke-Document refresh-windows @{ RestartEcsAgent = 'true' }
    $run.Stdout[-1] | Should -BeExactly "GMSA-READY-REFRESH error Restart-Service AmazonECS failed: Failed to start service 'AmazonECS'."
    $run.ExitCode | Should -Be 1
  }

  It 'restarts the service by its real name (a misnamed one fails)' {
    Set-StubHost -Services 'AmazonECS'
    (Invoke-Document refresh-windows @{ RestartEcsAgent = 'true' }).ExitCode | Should -Be 0
    Set-StubHost -Services 'ecs'
    $run = Invoke-Document refresh-windows @{ RestartEcsAgent = 'true' }
    $run.Stdout[-1] | Should -BeExactly "GMSA-READY-REFRESH error Restart-Service AmazonECS failed: Cannot find any service with service name 'AmazonECS'."
    $run.ExitCode | Should -Be 1
  }
}

Describe 'RefreshLinux' {
  BeforeAll {
    $script:Restarts = @('realm list --name-only', 'systemctl restart credentials-fetcher', 'systemctl is-active credentials-fetcher', 'systemctl restart --no-block ecs')
  }

  It 'checks the realm, restarts credentials-fetcher, checks it is active, restarts the agent without blocking' {
    Set-StubHost -Realms 'CORP.EXAMPLE.COM' -Units @{ 'credentials-fetcher' = 'inactive'; ecs = 'active' }
    $run = Invoke-Document refresh-linux @{ DomainName = 'corp.example.com' }
    $run.Calls | Should -BeExactly $Restarts
    $run.Stdout | Should -BeExactly 'GMSA-READY-REFRESH ok'
    $run.Stderr | Should -BeNullOrEmpty
    $run.ExitCode | Should -Be 0
    Get-StubUnitState 'credentials-fetcher' | Should -BeExactly 'active'
  }

  It 'accepts a single-label domain' {
    Set-StubHost -Realms 'contoso'
    (Invoke-Document refresh-linux @{ DomainName = 'contoso' }).ExitCode | Should -Be 0
  }

  It 'fails before restarting anything when the host is not in the realm' {
    Set-StubHost -Realms 'other.example.com'
    $run = Invoke-Document refresh-linux @{ DomainName = 'corp.example.com' }
    $run.Calls | Should -BeExactly 'realm list --name-only'
    $run.Stdout | Should -BeExactly 'GMSA-READY-REFRESH error realm list does not show corp.example.com'
    $run.ExitCode | Should -Be 1
  }

  It 'fails loudly when credentials-fetcher does not restart, and leaves the agent alone' {
    Set-StubHost -Realms 'corp.example.com' -FailRestart 'credentials-fetcher'
    $run = Invoke-Document refresh-linux @{ DomainName = 'corp.example.com' }
    $run.Calls | Should -BeExactly @('realm list --name-only', 'systemctl restart credentials-fetcher')
    $run.Stdout | Should -BeExactly 'GMSA-READY-REFRESH error systemctl restart credentials-fetcher failed'
    $run.Stderr[0] | Should -BeExactly 'Job for credentials-fetcher.service failed because the control process exited with error code.'
    $run.ExitCode | Should -Be 1
  }

  It 'fails when credentials-fetcher dies right after a restart that returned 0' {
    Set-StubHost -Realms 'corp.example.com' -DiesAfterRestart 'credentials-fetcher'
    $run = Invoke-Document refresh-linux @{ DomainName = 'corp.example.com' }
    $run.Calls | Should -BeExactly @('realm list --name-only', 'systemctl restart credentials-fetcher', 'systemctl is-active credentials-fetcher')
    $run.Stdout | Should -BeExactly 'GMSA-READY-REFRESH error credentials-fetcher is failed after its restart'
    $run.ExitCode | Should -Be 1
  }

  It 'fails when the ECS agent restart cannot be queued (a misnamed or missing unit)' {
    Set-StubHost -Realms 'corp.example.com' -Units @{ 'credentials-fetcher' = 'active' }
    $run = Invoke-Document refresh-linux @{ DomainName = 'corp.example.com' }
    $run.Calls | Should -BeExactly $Restarts
    $run.Stdout[-1] | Should -BeExactly 'GMSA-READY-REFRESH error systemctl restart --no-block ecs failed'
    $run.Stderr | Should -BeExactly 'Failed to restart ecs.service: Unit ecs.service not found.'
    $run.ExitCode | Should -Be 1
  }
}
