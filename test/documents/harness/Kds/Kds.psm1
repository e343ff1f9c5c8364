# Stub of the Windows-only Kds module (Key Distribution Service cmdlets) for the document tests: the doctor's
# probe loads it with `Import-Module Kds`. Get-KdsRootKey returns the root keys Set-StubDirectory -KdsRootKeys
# asks for (Microsoft's Get-KdsRootKey reference: one object per key, with KeyId and EffectiveTime).

function Get-KdsRootKey {
  [CmdletBinding()]
  param()
  Add-Content -LiteralPath $env:GMSA_STUB_CALLS -Value 'Get-KdsRootKey'
  $count = $global:GmsaStubDirectory.KdsRootKeys
  for ($i = 1; $i -le $count; $i++) {
    [pscustomobject]@{ KeyId = [guid]::new("00000000-0000-0000-0000-{0:d12}" -f $i); EffectiveTime = [datetime]::new(2026, 1, 1) }
  }
}

Export-ModuleMember -Function Get-KdsRootKey
