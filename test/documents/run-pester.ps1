# Runs the Pester document tests in this folder and writes one JSON result per test to the file named by
# the first argument (documents.test.ts reads it); further arguments name test files (default: all). Needs `pwsh -NonInteractive` (see harness/Harness.psm1)
# and Pester 5.7.1 at the path in $env:GMSA_PESTER (scripts/ensure-pwsh.sh prints it).
param([Parameter(Mandatory)] [string] $ResultFile, [Parameter(ValueFromRemainingArguments)] [string[]] $Path)
if (-not $Path) { $Path = @($PSScriptRoot) }
$ErrorActionPreference = 'Stop'
Import-Module $env:GMSA_PESTER -RequiredVersion 5.7.1
$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'None'
$run = Invoke-Pester -Configuration $configuration
$tests = foreach ($test in $run.Tests) {
  [ordered]@{
    file = [IO.Path]::GetFileName($test.ScriptBlock.File)
    name = $test.ExpandedPath
    result = [string]$test.Result
    error = ($test.ErrorRecord | ForEach-Object { $_.ToString() + "`n" + $_.ScriptStackTrace }) -join "`n"
  }
}
# Failures outside a test (a broken BeforeAll, a file that does not parse) are containers that failed.
$containers = foreach ($container in $run.Containers) {
  if ($container.Result -eq 'Failed' -and $container.ErrorRecord.Count -gt 0) {
    [ordered]@{ file = [IO.Path]::GetFileName([string]$container.Item); name = 'container'; result = 'Failed'; error = ($container.ErrorRecord | ForEach-Object { $_.ToString() }) -join "`n" }
  }
}
ConvertTo-Json -Depth 4 -InputObject @(@($tests) + @($containers)) | Set-Content -LiteralPath $ResultFile
