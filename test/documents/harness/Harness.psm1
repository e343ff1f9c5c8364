# Runs the project's SSM documents (ssm/*.yml) the way SSM Agent runs them, against stubs, for the Pester
# tests in test/documents. What runs is exactly what ships: the YAML is read, parameters are substituted as
# the agent does, and the script is written to _script.ps1 / _script.sh and executed.
#
# How the agent runs a Run Command step (aws/amazon-ssm-agent, commit 1c217c89, cited by file):
# - agent/framework/docparser/parameters/parameters.go ReplaceParameter: every `{{\s*Name\s*}}` in the step's
#   strings becomes the value, all at once (no recursive substitution), with `$$` in a value turned into `$`.
# - agent/plugins/pluginutil/pluginutil.go CreateScriptFile: runCommand lines joined with "\n", plus a final
#   "\n"; PowerShell files get a byte-order mark (runpowershellscript.go ByteOrderMarkEmit).
# - agent/plugins/runscript/runpowershellscript.go + appconfig/constants_windows.go: `powershell.exe
#   -InputFormat None -Noninteractive -NoProfile -ExecutionPolicy unrestricted -f _script.ps1` (Windows
#   PowerShell 5.1 on the hosts; PowerShell 7 here). runshellscript.go: `sh -c _script.sh` (bash on Amazon
#   Linux; bash here). The process exit code is the command's ResponseCode.
#
# PowerShell scripts run in this process (one pwsh start for all tests, which must be `pwsh -NonInteractive`
# so an unsuppressed confirmation prompt fails as under Run Command). `exit N` then sets $LASTEXITCODE, and a
# terminating error that escapes the script counts as exit 1, as `powershell -f` reports it. A script that
# ends without `exit` would report the last native command's code here but 0 under -f, so every PowerShell
# step must end with an explicit exit (Assert-EndsWithExit; the parse tests check all documents).

$script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../../..')).Path
$script:Shims = Join-Path $PSScriptRoot 'shims'
$script:Work = Join-Path ([IO.Path]::GetTempPath()) "gmsa-ready-documents-$PID"

# The stub ActiveDirectory module is found by the documents' own `Import-Module ActiveDirectory`.
$env:PSModulePath = $PSScriptRoot + [IO.Path]::PathSeparator + $env:PSModulePath

# Read once per pwsh process (the test files each re-import this module).
function Get-ProjectDocuments {
  if ($null -eq $global:GmsaProjectDocuments) {
    $reader = @'
import { readdirSync, readFileSync } from 'node:fs';
import { parse } from 'yaml';
const out = {};
for (const file of readdirSync('ssm').filter((name) => name.endsWith('.yml')).sort())
  out[file.replace(/\.yml$/, '')] = parse(readFileSync(`ssm/${file}`, 'utf8'));
process.stdout.write(JSON.stringify(out));
'@
    Push-Location $script:Root
    try { $json = $reader | node --input-type=module } finally { Pop-Location }
    if ($LASTEXITCODE -ne 0) { throw 'could not read ssm/*.yml with node' }
    $global:GmsaProjectDocuments = $json | ConvertFrom-Json -AsHashtable
  }
  $global:GmsaProjectDocuments
}

function Get-DocumentNames { (Get-ProjectDocuments).Keys | Sort-Object }

# The steps that run a script, with the platform their precondition names.
function Get-DocumentSteps([string] $Name) {
  $document = (Get-ProjectDocuments)[$Name]
  if ($null -eq $document) { throw "no document ssm/$Name.yml" }
  foreach ($step in $document.mainSteps) {
    $platform = switch ($step.action) { 'aws:runPowerShellScript' { 'Windows' } 'aws:runShellScript' { 'Linux' } default { $null } }
    # A line YAML read as a mapping (an unquoted ": " in it) would reach the host as garbage.
    foreach ($line in $step.inputs.runCommand) { if ($line -isnot [string]) { throw "ssm/$Name.yml step $($step.name): a runCommand item is not a string (quote it, or use |-): $($line | ConvertTo-Json -Compress)" } }
    if ($platform) { [pscustomobject]@{ Name = $step.name; Platform = $platform; Lines = [string[]]$step.inputs.runCommand } }
  }
}

# The values SSM would pass: defaults filled in; an undeclared, missing or pattern-failing value is refused
# as SendCommand refuses it (InvalidParameters), so no test can run a script with a value SSM would reject.
function Resolve-DocumentParameters([string] $Name, [hashtable] $Parameters) {
  $declared = (Get-ProjectDocuments)[$Name].parameters
  $values = @{}
  foreach ($key in $Parameters.Keys) { if (-not $declared.ContainsKey($key)) { throw "InvalidParameters: $Name declares no parameter $key" } }
  foreach ($key in $declared.Keys) {
    $definition = $declared[$key]
    $value = if ($Parameters.ContainsKey($key)) { [string]$Parameters[$key] } elseif ($definition.ContainsKey('default')) { [string]$definition.default } else { throw "InvalidParameters: $Name needs $key" }
    if ($value -cnotmatch $definition.allowedPattern) { throw "InvalidParameters: $key value '$value' does not match $($definition.allowedPattern)" }
    if ($definition.ContainsKey('maxChars') -and $value.Length -gt $definition.maxChars) { throw "InvalidParameters: $key is longer than $($definition.maxChars)" }
    $values[$key] = $value
  }
  $values
}

function Expand-DocumentParameters([string] $Text, [hashtable] $Values) {
  if ($Values.Count -eq 0) { return $Text }
  $names = ($Values.Keys | ForEach-Object { [regex]::Escape($_) }) -join '|'
  [regex]::Replace($Text, "\{\{\s*($names)\s*\}\}", { param($match) $Values[$match.Groups[1].Value].Replace('$$', '$') })
}

# The script text of one step, as the agent writes it to disk.
function Get-DocumentScript {
  param([Parameter(Mandatory)] [string] $Name, [hashtable] $Parameters = @{}, [string] $Step)
  $steps = @(Get-DocumentSteps $Name)
  $chosen = if ($Step) { $steps | Where-Object Name -EQ $Step } elseif ($steps.Count -eq 1) { $steps[0] } else { throw "$Name has $($steps.Count) script steps: name one with -Step" }
  if ($null -eq $chosen) { throw "$Name has no script step $Step" }
  $values = Resolve-DocumentParameters $Name $Parameters
  $lines = foreach ($line in $chosen.Lines) { Expand-DocumentParameters $line $values }
  [pscustomobject]@{ Document = $Name; Step = $chosen.Name; Platform = $chosen.Platform; Text = ($lines -join "`n") + "`n" }
}

function Assert-EndsWithExit($Script) {
  $tokens = $null; $errors = $null
  $ast = [System.Management.Automation.Language.Parser]::ParseInput($Script.Text, [ref]$tokens, [ref]$errors)
  $last = $ast.EndBlock.Statements | Select-Object -Last 1
  $exits = $last -is [System.Management.Automation.Language.ExitStatementAst] -or
    ($last -is [System.Management.Automation.Language.PipelineAst] -and $last.PipelineElements.Count -eq 1 -and
      $last.PipelineElements[0].Expression -is [System.Management.Automation.Language.ExitStatementAst])
  if (-not $exits) { throw "$($Script.Document)/$($Script.Step) must end with an explicit exit (see Harness.psm1)" }
}

# ---------------------------------------------------------------- stubs: the directory, services, the host

if (-not ('GmsaStub.SecurityIdentifier' -as [type])) {
  Add-Type -TypeDefinition @'
namespace GmsaStub {
  public sealed class SecurityIdentifier {
    public SecurityIdentifier(string value) { Value = value; }
    public string Value { get; }
    public override string ToString() { return Value; }
  }
}
'@
}

# A fresh directory: groups (name -> member sAMAccountNames), computers (sAMAccountNames, or hashtables
# with SamAccountName and optional ChildObjects), denied writes as '<Cmdlet> <sAMAccountName>', and the groups
# protected by AdminSDHolder (adminCount 1). Computers get SIDs ...-1101, ...-1102 and GUIDs ...001101 in order.
# ServiceAccounts: gMSA name (without $) -> the groups in its PrincipalsAllowedToRetrieveManagedPassword (by
# name; stored as their DNs, as AD stores them). KdsRootKeys: how many Get-KdsRootKey (stub Kds module) returns.
function Set-StubDirectory {
  param(
    [string] $Domain = 'corp.example.com',
    [hashtable] $Groups = @{},
    [object[]] $Computers = @(),
    [string[]] $Denied = @(),
    [string[]] $DomainControllers = @(),
    [string[]] $Protected = @(),
    [hashtable] $ServiceAccounts = @{},
    [int] $KdsRootKeys = 1
  )
  $baseDn = ($Domain.Split('.') | ForEach-Object { "DC=$_" }) -join ','
  $state = @{ Domain = $Domain; BaseDn = $baseDn; DomainControllers = $DomainControllers; Denied = $Denied; Groups = @{}; Computers = @{}; ServiceAccounts = @{}; KdsRootKeys = $KdsRootKeys }
  foreach ($name in $ServiceAccounts.Keys) {
    $state.ServiceAccounts[$name.ToLowerInvariant()] = [ordered]@{
      DistinguishedName = "CN=$name,CN=Managed Service Accounts,$baseDn"
      Name = $name
      ObjectClass = 'msDS-GroupManagedServiceAccount'
      SamAccountName = "$name`$"
      PrincipalsAllowedToRetrieveManagedPassword = @($ServiceAccounts[$name] | ForEach-Object { "CN=$_,OU=Groups,$baseDn" })
      Extended = @('PrincipalsAllowedToRetrieveManagedPassword')
    }
  }
  $rid = 1100
  foreach ($computer in $Computers) {
    $spec = if ($computer -is [hashtable]) { $computer } else { @{ SamAccountName = [string]$computer } }
    $sam = $spec.SamAccountName
    $name = $sam.TrimEnd('$')
    $rid++
    $state.Computers[$sam.ToLowerInvariant()] = [ordered]@{
      DistinguishedName = "CN=$name,CN=Computers,$baseDn"
      DNSHostName = "$($name.ToLowerInvariant()).$Domain"
      Enabled = $true
      Name = $name
      ObjectClass = 'computer'
      ObjectGUID = [guid]::new("00000000-0000-0000-0000-{0:d12}" -f $rid)
      SamAccountName = $sam
      # Shaped like the SecurityIdentifier real AD returns (.Value, and the SDDL string as text), so
      # `$computer.SID.Value` works as it does there; the real type throws off Windows ("Windows Principal").
      SID = [GmsaStub.SecurityIdentifier]::new("S-1-5-21-1004336348-1177238915-682003330-$rid")
      whenCreated = [datetime]::new(2026, 11, 25, 12, 0, 0, [DateTimeKind]::Utc).AddMinutes($rid - 1100)
      ChildObjects = [int]($spec.ChildObjects ?? 0)
      Extended = @('whenCreated')
    }
  }
  foreach ($group in $Groups.Keys) {
    $rid++
    $state.Groups[$group.ToLowerInvariant()] = [ordered]@{
      DistinguishedName = "CN=$group,OU=Groups,$baseDn"
      GroupCategory = 'Security'
      Name = $group
      ObjectClass = 'group'
      ObjectGUID = [guid]::new("00000000-0000-0000-0000-{0:d12}" -f $rid)
      SamAccountName = $group
      SID = "S-1-5-21-1004336348-1177238915-682003330-$rid"
      Members = [System.Collections.Generic.List[string]]::new([string[]]@($Groups[$group]))
      # adminCount 1: protected by AdminSDHolder (-Protected); unset ($null) otherwise, as on real AD.
      adminCount = if ($Protected -contains $group) { 1 } else { $null }
      Extended = @('Members', 'adminCount')
    }
  }
  $global:GmsaStubDirectory = $state
}

# The members (sAMAccountNames) of a group in the stub directory, sorted; $null when the group is gone.
function Get-StubMembers([string] $Group) {
  $found = $global:GmsaStubDirectory.Groups[$Group.ToLowerInvariant()]
  if ($null -ne $found) { @($found.Members | Sort-Object) }
}

function Test-StubComputer([string] $SamAccountName) { $global:GmsaStubDirectory.Computers.ContainsKey($SamAccountName.ToLowerInvariant()) }

# A fresh host for the shims (shims/*) and the Windows service stub:
# - Units: systemd unit -> state (active, inactive, failed); FailRestart: `systemctl restart` fails;
#   DiesAfterRestart: the restart returns 0 but the unit is failed right after (is-active says so).
# - Realms: what `realm list --name-only` prints. KlistExitCode: what `klist.exe` exits with.
# - Services: Windows services that exist; FailServices: Restart-Service fails to start them.
# - ComputerName, JoinedDomain: the host's name and domain ('' = workgroup); Secrets: secret ARN -> SecretString
#   served to the host; DeniedSecrets: ARNs the instance profile may not read; JoinPassword: the password the
#   directory accepts for a join (realm join, Add-Computer); AddComputerError: Add-Computer fails with it.
function Set-StubHost {
  param(
    [hashtable] $Units = @{ 'credentials-fetcher' = 'active'; 'ecs' = 'active' },
    [string[]] $FailRestart = @(),
    [string[]] $DiesAfterRestart = @(),
    [string[]] $Realms = @(),
    [int] $KlistExitCode = 0,
    [string[]] $Services = @('AmazonECS'),
    [string[]] $FailServices = @(),
    [string] $ComputerName = 'EC2AMAZ-A1B2C3D',
    [string] $JoinedDomain = '',
    [hashtable] $Secrets = @{},
    [string[]] $DeniedSecrets = @(),
    [string] $JoinPassword = '',
    [string] $AddComputerError = ''
  )
  $hostDir = Join-Path $script:Work 'host'
  if (Test-Path $hostDir) { Remove-Item -Recurse -Force $hostDir }
  foreach ($dir in 'units', 'fail-restart', 'dies-after-restart') { $null = New-Item -ItemType Directory -Force (Join-Path $hostDir $dir) }
  foreach ($unit in $Units.Keys) { Set-Content -NoNewline -LiteralPath (Join-Path $hostDir "units/$unit") -Value $Units[$unit] }
  foreach ($unit in $FailRestart) { Set-Content -LiteralPath (Join-Path $hostDir "fail-restart/$unit") -Value '' }
  foreach ($unit in $DiesAfterRestart) { Set-Content -LiteralPath (Join-Path $hostDir "dies-after-restart/$unit") -Value '' }
  Set-Content -LiteralPath (Join-Path $hostDir 'realms') -Value ($Realms -join "`n")
  Set-Content -NoNewline -LiteralPath (Join-Path $hostDir 'klist-exit') -Value $KlistExitCode
  Set-Content -NoNewline -LiteralPath (Join-Path $hostDir 'hostname') -Value $ComputerName
  Set-Content -NoNewline -LiteralPath (Join-Path $hostDir 'join-password') -Value $JoinPassword
  $null = New-Item -ItemType Directory -Force (Join-Path $hostDir 'secrets')
  foreach ($arn in $Secrets.Keys) { Set-Content -NoNewline -LiteralPath (Join-Path $hostDir "secrets/$(Get-StubKey $arn)") -Value $Secrets[$arn] }
  foreach ($arn in $DeniedSecrets) { Set-Content -NoNewline -LiteralPath (Join-Path $hostDir "secrets/$(Get-StubKey $arn).denied") -Value '' }
  $global:GmsaStubHost = @{
    Dir = $hostDir; Services = $Services; FailServices = $FailServices; ComputerName = $ComputerName; Domain = $JoinedDomain
    PendingDomain = $null; Secrets = $Secrets; DeniedSecrets = $DeniedSecrets; JoinPassword = $JoinPassword
    AddComputerError = $AddComputerError; JoinedWithPassword = $null; DnsServers = $null
  }
}

# The file name a secret's value is stored under for the shims (md5 of the ARN, as `md5sum` prints it).
function Get-StubKey([string] $Arn) {
  ([System.Security.Cryptography.MD5]::HashData([Text.Encoding]::UTF8.GetBytes($Arn)) | ForEach-Object { $_.ToString('x2') }) -join ''
}

# What the host's shims and stubs hold after a run: its name, the realms it is in, the password a join received.
function Get-StubHostState {
  $dir = $global:GmsaStubHost.Dir
  $received = Join-Path $dir 'realm-join-stdin'
  [pscustomobject]@{
    Hostname = Get-Content -Raw (Join-Path $dir 'hostname')
    Realms = @(Get-Content (Join-Path $dir 'realms') | Where-Object { $_ })
    RealmJoinStdin = if (Test-Path $received) { Get-Content -Raw $received } else { $null }
    Domain = $global:GmsaStubHost.Domain
    PendingDomain = $global:GmsaStubHost.PendingDomain
    JoinedWithPassword = $global:GmsaStubHost.JoinedWithPassword
    DnsServers = $global:GmsaStubHost.DnsServers
  }
}

# The reboot SSM Agent performs for exit 3010: a pending Add-Computer takes effect.
function Restart-StubHost {
  if ($global:GmsaStubHost.PendingDomain) { $global:GmsaStubHost.Domain = $global:GmsaStubHost.PendingDomain; $global:GmsaStubHost.PendingDomain = $null }
}

# ---- Windows-only cmdlets the join uses, with their parameters (Microsoft and AWS Tools references).

function Get-CimInstance {
  [CmdletBinding()]
  param([Parameter(Mandatory, Position = 0)] [string] $ClassName)
  Add-CallLine "Get-CimInstance -ClassName '$ClassName'"
  if ($ClassName -ne 'Win32_ComputerSystem') { throw "stub: class $ClassName not modelled" }
  $domain = $global:GmsaStubHost.Domain
  [pscustomobject]@{ Name = $global:GmsaStubHost.ComputerName; PartOfDomain = [bool]$domain; Domain = if ($domain) { $domain } else { 'WORKGROUP' } }
}

function Get-NetAdapter {
  [CmdletBinding()]
  param()
  Add-CallLine 'Get-NetAdapter'
  [pscustomobject]@{ Name = 'Ethernet'; InterfaceIndex = 6; Status = 'Up' }
}

function Set-DnsClientServerAddress {
  [CmdletBinding()]
  param([Parameter(ValueFromPipeline)] $InputObject, [string[]] $ServerAddresses)
  process {
    Add-CallLine "Set-DnsClientServerAddress -InterfaceIndex $($InputObject.InterfaceIndex) -ServerAddresses '$($ServerAddresses -join "','")'"
    $global:GmsaStubHost.DnsServers = $ServerAddresses
  }
}

# AWS Tools for PowerShell: a missing secret is ResourceNotFoundException, a denied read AccessDeniedException;
# neither message carries the value.
function Get-SECSecretValue {
  [CmdletBinding()]
  param([Parameter(Mandatory)] [string] $SecretId, [string] $Region)
  Add-CallLine "Get-SECSecretValue -SecretId '$SecretId' -Region '$Region'"
  if ($global:GmsaStubHost.DeniedSecrets -contains $SecretId) {
    throw "User: arn:aws:sts::123456789012:assumed-role/ecs-host/$($global:GmsaStubHost.ComputerName) is not authorized to perform: secretsmanager:GetSecretValue on resource: $SecretId"
  }
  if (-not $global:GmsaStubHost.Secrets.ContainsKey($SecretId) -or $SecretId.Split(':')[3] -ne $Region) {
    throw "Secrets Manager can't find the specified secret."
  }
  [pscustomobject]@{ ARN = $SecretId; SecretString = $global:GmsaStubHost.Secrets[$SecretId] }
}

# Add-Computer records the user, never the password (the tests read what it received from the host state).
function Add-Computer {
  [CmdletBinding(SupportsShouldProcess)]
  param(
    [Parameter(Mandatory, Position = 0)] [string] $DomainName, [Parameter(Mandatory)] [pscredential] $Credential,
    [string] $OUPath, [string] $Server, [string] $NewName, [switch] $Restart, [switch] $Force
  )
  $line = "Add-Computer -DomainName '$DomainName' -Credential '$($Credential.UserName)'"
  if ($OUPath) { $line += " -OUPath '$OUPath'" }
  if ($Restart) { $line += ' -Restart' }
  if ($Force) { $line += ' -Force' }
  Add-CallLine $line
  $password = $Credential.GetNetworkCredential().Password
  $global:GmsaStubHost.JoinedWithPassword = $password
  $reason = if ($global:GmsaStubHost.AddComputerError) { $global:GmsaStubHost.AddComputerError }
  elseif ($password -cne $global:GmsaStubHost.JoinPassword) { "Computer '$($global:GmsaStubHost.ComputerName)' failed to join domain '$DomainName' from its current workgroup 'WORKGROUP' with following error message: The user name or password is incorrect." }
  if ($reason) { $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new([InvalidOperationException]::new($reason), 'FailToJoinDomainFromWorkgroup', 'OperationStopped', $DomainName)) }
  $global:GmsaStubHost.PendingDomain = $DomainName
}

function Get-StubUnitState([string] $Unit) { Get-Content -Raw (Join-Path $global:GmsaStubHost.Dir "units/$Unit") }

function Add-CallLine([string] $Line) { Add-Content -LiteralPath $env:GMSA_STUB_CALLS -Value $Line }

# Restart-Service is Windows-only; this stub has its parameters (Microsoft.PowerShell.Management reference)
# and its two failures: an unknown name is NoServiceFoundForGivenName, "Cannot find any service with service
# name '<name>'."; a service that does not start is "Failed to start service '<name>'.". Both are
# non-terminating errors of the cmdlet, so they follow the caller's $ErrorActionPreference.
function Restart-Service {
  [CmdletBinding(SupportsShouldProcess)]
  param([Parameter(Mandatory, Position = 0)] [string[]] $Name, [switch] $Force, [switch] $PassThru)
  Add-CallLine ("Restart-Service -Name '$($Name -join "','")'" + $(if ($Force) { ' -Force' } else { '' }))
  $preference = $PSCmdlet.SessionState.PSVariable.GetValue('ErrorActionPreference')
  foreach ($service in $Name) {
    $message = if ($global:GmsaStubHost.Services -notcontains $service) { "Cannot find any service with service name '$service'." }
    elseif ($global:GmsaStubHost.FailServices -contains $service) { "Failed to start service '$service'." }
    if ($null -eq $message) { continue }
    $record = [System.Management.Automation.ErrorRecord]::new([InvalidOperationException]::new($message), 'RestartServiceFailed', 'OpenError', $service)
    if ($preference -eq 'Stop') { $PSCmdlet.ThrowTerminatingError($record) } else { $PSCmdlet.WriteError($record) }
  }
}

# ---------------------------------------------------------------- running a document

function Split-Lines([string] $Text) {
  if ([string]::IsNullOrEmpty($Text)) { return @() }
  , ($Text.TrimEnd("`n") -split "`n")
}

function Invoke-PowerShellScript([string] $Path) {
  $global:LASTEXITCODE = 0
  $stdout = [System.Collections.Generic.List[string]]::new()
  $stderr = [System.Collections.Generic.List[string]]::new()
  try {
    $records = & $Path *>&1
    $code = $global:LASTEXITCODE
  } catch {
    $records = @()
    $stderr.Add($_.ToString())
    $code = 1
  }
  foreach ($record in $records) {
    if ($record -is [System.Management.Automation.ErrorRecord]) { $stderr.Add($record.ToString()) }
    elseif ($record -is [System.Management.Automation.WarningRecord]) { $stdout.Add("WARNING: $($record.Message)") }
    else { foreach ($line in ($record | Out-String -Stream)) { $stdout.Add($line) } }
  }
  @{ ExitCode = $code; Stdout = $stdout.ToArray(); Stderr = $stderr.ToArray() }
}

function Invoke-ShellScript([string] $Path, [string] $Stdin) {
  $start = [System.Diagnostics.ProcessStartInfo]::new('bash')
  $start.ArgumentList.Add($Path)
  $start.RedirectStandardInput = $true
  $start.RedirectStandardOutput = $true
  $start.RedirectStandardError = $true
  $start.WorkingDirectory = Split-Path $Path
  $process = [System.Diagnostics.Process]::Start($start)
  $stderrTask = $process.StandardError.ReadToEndAsync()
  if ($Stdin) { $process.StandardInput.Write($Stdin) }
  $process.StandardInput.Close()
  $stdout = $process.StandardOutput.ReadToEnd()
  $process.WaitForExit()
  @{ ExitCode = $process.ExitCode; Stdout = Split-Lines $stdout; Stderr = Split-Lines $stderrTask.Result }
}

# Runs one step of a document with the given parameters against the current stubs. Returns ExitCode,
# Stdout and Stderr (lines), Calls (every stubbed cmdlet and command, in order, one line each) and Script.
function Invoke-Document {
  param([Parameter(Mandatory)] [string] $Name, [hashtable] $Parameters = @{}, [string] $Step, [string] $Stdin)
  if ($null -eq $global:GmsaStubHost) { Set-StubHost }
  $script = Get-DocumentScript -Name $Name -Parameters $Parameters -Step $Step
  $dir = Join-Path $script:Work "run-$([guid]::NewGuid().ToString('N'))"
  $null = New-Item -ItemType Directory -Force $dir
  $calls = Join-Path $dir 'calls'
  $null = New-Item -ItemType File $calls
  $saved = @{ PATH = $env:PATH; GMSA_STUB_CALLS = $env:GMSA_STUB_CALLS; GMSA_STUB_HOST = $env:GMSA_STUB_HOST; COMPUTERNAME = $env:COMPUTERNAME }
  $env:PATH = $script:Shims + [IO.Path]::PathSeparator + $env:PATH
  $env:COMPUTERNAME = $global:GmsaStubHost.ComputerName
  $env:GMSA_STUB_CALLS = $calls
  $env:GMSA_STUB_HOST = $global:GmsaStubHost.Dir
  try {
    if ($script.Platform -eq 'Windows') {
      Assert-EndsWithExit $script
      $path = Join-Path $dir '_script.ps1'
      [IO.File]::WriteAllText($path, $script.Text, [Text.UTF8Encoding]::new($true))
      $result = Invoke-PowerShellScript $path
    } else {
      $path = Join-Path $dir '_script.sh'
      [IO.File]::WriteAllText($path, $script.Text, [Text.UTF8Encoding]::new($false))
      $result = Invoke-ShellScript $path $Stdin
    }
  } finally {
    foreach ($key in $saved.Keys) { if ($null -eq $saved[$key]) { Remove-Item "env:$key" -ErrorAction Ignore } else { Set-Item "env:$key" $saved[$key] } }
  }
  [pscustomobject]@{
    ExitCode = $result.ExitCode
    Stdout = [string[]]$result.Stdout
    Stderr = [string[]]$result.Stderr
    Calls = [string[]]@(Get-Content $calls)
    Script = $script.Text
  }
}

Export-ModuleMember -Function Get-ProjectDocuments, Get-DocumentNames, Get-DocumentSteps, Get-DocumentScript,
  Set-StubDirectory, Get-StubMembers, Test-StubComputer, Set-StubHost, Get-StubUnitState, Get-StubHostState, Restart-StubHost,
  Invoke-Document, Restart-Service, Get-CimInstance, Get-NetAdapter, Set-DnsClientServerAddress, Get-SECSecretValue, Add-Computer
