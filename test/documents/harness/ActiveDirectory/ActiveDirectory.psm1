# Stub of the Windows-only ActiveDirectory module for the document tests: a document's own
# `Import-Module ActiveDirectory` loads this file (the harness puts its folder first on PSModulePath).
# Each cmdlet records its call in the run's call log ($env:GMSA_STUB_CALLS) and acts on the in-memory directory
# that Set-StubDirectory (Harness.psm1) builds. Behaviour modelled, with sources:
# - Parameter names and positions: Microsoft's cmdlet reference (Add-ADGroupMember, Remove-ADGroupMember,
#   Get-ADGroup, Get-ADComputer, Get-ADServiceAccount, Remove-ADObject, Remove-ADComputer; docset
#   winserver2022-ps/activedirectory).
# - Identities: distinguished name, GUID, SID or sAMAccountName; a computer's sAMAccountName ends in `$`, so
#   'HOST' does not find 'HOST$' (same reference, "Identity"/"Members" parameters).
# - Adding a present member or removing an absent one succeeds silently (permissive modify is the default;
#   aws-facts 8.2). An identity that does not exist: ADIdentityNotFoundException, "Cannot find an object with
#   identity: '<id>' under: '<base DN>'.". Writes denied by the directory: ADException "Insufficient access
#   rights to perform the operation" (LDAP error 50, server error 8344).
# - Remove-ADGroupMember, Remove-ADObject and Remove-ADComputer prompt unless -Confirm:$false (ConfirmImpact
#   High), which fails in a non-interactive host (aws-facts 8.2); the stubs use real ShouldProcess, so an
#   unsuppressed prompt fails here the same way when the tests run under `pwsh -NonInteractive`.
# - Remove-ADObject without -Recursive fails on an object with child objects (Remove-ADComputer reference).
# - -Server that names no reachable DC of the domain: ADServerDownException "Unable to contact the server...".

if (-not ('Microsoft.ActiveDirectory.Management.ADException' -as [type])) {
  Add-Type -TypeDefinition @'
namespace Microsoft.ActiveDirectory.Management {
  public class ADException : System.InvalidOperationException {
    public ADException(string message) : base(message) {}
  }
  public class ADIdentityResolutionException : ADException {
    public ADIdentityResolutionException(string message) : base(message) {}
  }
  public class ADIdentityNotFoundException : ADIdentityResolutionException {
    public ADIdentityNotFoundException(string message) : base(message) {}
  }
  public class ADServerDownException : ADException {
    public ADServerDownException(string message) : base(message) {}
  }
}
'@
}

function Get-StubState {
  if ($null -eq $global:GmsaStubDirectory) { throw 'stub ActiveDirectory: call Set-StubDirectory before running a document' }
  $global:GmsaStubDirectory
}

function Format-StubValue($value) {
  if ($value -is [System.Management.Automation.SwitchParameter]) { return $null }
  if ($value -is [array]) { return (($value | ForEach-Object { Format-StubValue $_ }) -join ',') }
  if ($value -is [string]) { return "'$value'" }
  if ($null -ne $value.DistinguishedName) { return "'$($value.DistinguishedName)'" }
  return "'$value'"
}

# One line per call: the cmdlet and its bound parameters in binding order, e.g.
# Remove-ADGroupMember -Identity 'Hosts' -Members 'WEB1$' -Server 'corp.example.com' -Confirm:$false
function Add-StubCall([string] $name, $bound) {
  $parts = @($name)
  foreach ($key in $bound.Keys) {
    $value = $bound[$key]
    if ($value -is [System.Management.Automation.SwitchParameter]) {
      $parts += if ($value.IsPresent) { "-$key" } else { "-${key}:`$false" }
    } else {
      $parts += "-$key $(Format-StubValue $value)"
    }
  }
  Add-Content -LiteralPath $env:GMSA_STUB_CALLS -Value ($parts -join ' ')
}

function Stop-StubCommand($cmdlet, [string] $type, [string] $message, [string] $category, $target) {
  $exception = New-Object "Microsoft.ActiveDirectory.Management.$type" $message
  $id = "ActiveDirectoryCmdlet:Microsoft.ActiveDirectory.Management.$type,$($cmdlet.MyInvocation.MyCommand.Name)"
  $cmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new($exception, $id, $category, $target))
}

function Assert-StubServer($cmdlet, [string] $server) {
  $state = Get-StubState
  if ($server -and $server -ne $state.Domain -and $state.DomainControllers -notcontains $server) {
    Stop-StubCommand $cmdlet 'ADServerDownException' 'Unable to contact the server. This may be because this server does not exist, it is currently down, or it does not have the Active Directory Web Services running.' 'ResourceUnavailable' $server
  }
}

function Assert-StubAllowed($cmdlet, [string] $verb, [string] $target) {
  if ((Get-StubState).Denied -contains "$verb $target") {
    Stop-StubCommand $cmdlet 'ADException' 'Insufficient access rights to perform the operation' 'PermissionDenied' $target
  }
}

function Find-StubObject($cmdlet, $identity, [string] $kind) {
  $state = Get-StubState
  $key = if ($null -ne $identity.DistinguishedName) { [string]$identity.DistinguishedName } else { [string]$identity }
  $table = switch ($kind) { 'group' { $state.Groups } 'serviceAccount' { $state.ServiceAccounts } default { $state.Computers } }
  # A gMSA is found by its name without the $ too (Get-ADServiceAccount reference: "-Identity service1").
  $keys = if ($kind -eq 'serviceAccount' -and -not $key.EndsWith('$')) { @($key, "$key`$") } else { @($key) }
  foreach ($object in $table.Values) {
    foreach ($candidate in $keys) {
      if ($candidate -in @($object.DistinguishedName, $object.SamAccountName, [string]$object.SID, [string]$object.ObjectGUID)) { return $object }
    }
  }
  Stop-StubCommand $cmdlet 'ADIdentityNotFoundException' "Cannot find an object with identity: '$key' under: '$($state.BaseDn)'." 'ObjectNotFound' $key
}

# What the cmdlet returns: the default properties, plus the extended ones named in -Properties.
function Copy-StubObject($object, [string[]] $properties) {
  $copy = [ordered]@{}
  foreach ($name in $object.Keys) {
    if ($name -in 'Extended', 'ChildObjects') { continue }
    if ($name -in $object.Extended -and $properties -notcontains $name -and $properties -notcontains '*') { continue }
    $copy[$name] = $object[$name]
  }
  [pscustomobject]$copy
}

# What Get-ADGroup and Get-ADServiceAccount do with -Identity, -Server and -Properties: log, find, copy.
function Read-StubObject($cmdlet, $invocation, $bound, [string] $kind) {
  Add-StubCall $invocation.MyCommand.Name $bound
  Assert-StubServer $cmdlet $bound['Server']
  Copy-StubObject (Find-StubObject $cmdlet $bound['Identity'] $kind) $bound['Properties']
}

function Get-ADGroup {
  [CmdletBinding()]
  param(
    [Parameter(Mandatory, Position = 0, ValueFromPipeline)] $Identity,
    [string] $Server,
    [string[]] $Properties
  )
  process { Read-StubObject $PSCmdlet $MyInvocation $PSBoundParameters 'group' }
}

function Get-ADComputer {
  [CmdletBinding(DefaultParameterSetName = 'Identity')]
  param(
    [Parameter(Mandatory, Position = 0, ValueFromPipeline, ParameterSetName = 'Identity')] $Identity,
    [Parameter(Mandatory, ParameterSetName = 'Filter')] [string] $Filter,
    [string] $Server,
    [string[]] $Properties
  )
  process {
    Add-StubCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Assert-StubServer $PSCmdlet $Server
    if ($PSCmdlet.ParameterSetName -eq 'Identity') {
      $object = Find-StubObject $PSCmdlet $Identity 'computer'
      $copy = Copy-StubObject $object $Properties
      # memberOf (an extended property): the DNs of the groups the object is a direct member of; not the
      # primary group, not nested groups (Get-ADComputer reference; AD's memberOf back-link).
      if ($Properties -contains 'memberOf') {
        $groups = @((Get-StubState).Groups.Values | Where-Object { $_.Members -contains $object.SamAccountName } | ForEach-Object { $_.DistinguishedName })
        $copy | Add-Member -NotePropertyName MemberOf -NotePropertyValue $groups
      }
      return $copy
    }
    # The module reads variables named in the filter from the caller's scope; only memberOf is modelled.
    if ($Filter -notmatch '^memberOf -eq \$(\w+)$') { throw "stub ActiveDirectory: filter not modelled: $Filter" }
    $groupDn = $PSCmdlet.SessionState.PSVariable.GetValue($Matches[1])
    if ($null -eq $groupDn) { throw "stub ActiveDirectory: the filter's variable `$$($Matches[1]) is not set in the caller" }
    $state = Get-StubState
    $group = $state.Groups.Values | Where-Object { $_.DistinguishedName -eq $groupDn }
    if ($null -eq $group) { return }
    foreach ($object in $state.Computers.Values) {
      if ($group.Members -contains $object.SamAccountName) { Copy-StubObject $object $Properties }
    }
  }
}

# Both membership cmdlets: resolve the group and every member first (any missing identity fails the call
# before a change), then add or remove each; present/absent members are accepted (permissive modify).
function Set-StubMembership($cmdlet, $identity, $members, [string] $server, [switch] $Add) {
  Assert-StubServer $cmdlet $server
  $group = Find-StubObject $cmdlet $identity 'group'
  $found = foreach ($member in $members) { Find-StubObject $cmdlet $member 'computer' }
  if (-not $cmdlet.ShouldProcess($group.DistinguishedName, 'Set')) { return }
  foreach ($object in $found) {
    Assert-StubAllowed $cmdlet $cmdlet.MyInvocation.MyCommand.Name $object.SamAccountName
    if (-not $Add) { $null = $group.Members.Remove($object.SamAccountName) }
    elseif ($group.Members -notcontains $object.SamAccountName) { $group.Members.Add($object.SamAccountName) }
  }
}

function Add-ADGroupMember {
  [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
  param([Parameter(Mandatory, Position = 0, ValueFromPipeline)] $Identity, [Parameter(Mandatory, Position = 1)] [object[]] $Members,
    [string] $Server, [switch] $PassThru, [switch] $DisablePermissiveModify)
  process {
    Add-StubCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Set-StubMembership $PSCmdlet $Identity $Members $Server -Add
  }
}

function Remove-ADGroupMember {
  [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
  param([Parameter(Mandatory, Position = 0, ValueFromPipeline)] $Identity, [Parameter(Mandatory, Position = 1)] [object[]] $Members,
    [string] $Server, [switch] $PassThru, [switch] $DisablePermissiveModify)
  process {
    Add-StubCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Set-StubMembership $PSCmdlet $Identity $Members $Server
  }
}

function Remove-StubComputer($cmdlet, [string] $verb, $identity, [bool] $recursive) {
  $object = Find-StubObject $cmdlet $identity 'computer'
  if (-not $cmdlet.ShouldProcess($object.DistinguishedName, 'Remove')) { return }
  Assert-StubAllowed $cmdlet $verb $object.SamAccountName
  if ($object.ChildObjects -gt 0 -and -not $recursive) {
    Stop-StubCommand $cmdlet 'ADException' 'The directory service can perform the requested operation only on a leaf object' 'NotSpecified' $object.DistinguishedName
  }
  $state = Get-StubState
  $state.Computers.Remove($object.SamAccountName.ToLowerInvariant())
  foreach ($group in $state.Groups.Values) { $null = $group.Members.Remove($object.SamAccountName) }
}

function Remove-ADObject {
  [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
  param(
    [Parameter(Mandatory, Position = 0, ValueFromPipeline)] $Identity,
    [switch] $Recursive,
    [string] $Server
  )
  process {
    Add-StubCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Assert-StubServer $PSCmdlet $Server
    Remove-StubComputer $PSCmdlet 'Remove-ADObject' $Identity $Recursive.IsPresent
  }
}

function Remove-ADComputer {
  [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
  param(
    [Parameter(Mandatory, Position = 0, ValueFromPipeline)] $Identity,
    [string] $Server
  )
  process {
    Add-StubCall $MyInvocation.MyCommand.Name $PSBoundParameters
    Assert-StubServer $PSCmdlet $Server
    Remove-StubComputer $PSCmdlet 'Remove-ADComputer' $Identity $false
  }
}

function Get-ADServiceAccount {
  [CmdletBinding()]
  param(
    [Parameter(Mandatory, Position = 0, ValueFromPipeline)] $Identity,
    [string] $Server,
    [string[]] $Properties
  )
  process { Read-StubObject $PSCmdlet $MyInvocation $PSBoundParameters 'serviceAccount' }
}

Export-ModuleMember -Function Get-ADServiceAccount, Get-ADGroup, Get-ADComputer, Add-ADGroupMember, Remove-ADGroupMember, Remove-ADObject, Remove-ADComputer
