# Every project document parses: the PowerShell with PowerShell's own parser
# ([System.Management.Automation.Language.Parser]::ParseInput), the shell with `bash -n`, each rendered with
# valid parameters exactly as SSM Agent writes it to disk; and every placeholder is a declared parameter.

BeforeDiscovery {
  Import-Module (Join-Path $PSScriptRoot 'harness/Harness.psm1') -Force
  $script:Cases = foreach ($name in Get-DocumentNames) { foreach ($step in Get-DocumentSteps $name) { @{ Document = $name; Step = $step.Name; Platform = $step.Platform } } }
}

BeforeAll {
  Import-Module (Join-Path $PSScriptRoot 'harness/Harness.psm1') -Force
  $script:Samples = Import-PowerShellDataFile (Join-Path $PSScriptRoot 'samples.psd1')
}

Describe 'every project document' {
  It 'has sample parameters for the tests: <_>' -ForEach (Get-DocumentNames) {
    $Samples.ContainsKey($_) | Should -BeTrue -Because "test/documents/samples.psd1 needs an entry for $_"
  }

  It '<Document>/<Step> (<Platform>) parses once rendered, with no placeholder left' -ForEach $Cases {
    $script = Get-DocumentScript -Name $Document -Step $Step -Parameters $Samples[$Document]
    $script.Text | Should -Not -Match '\{\{\s*\w+\s*\}\}'
    if ($Platform -eq 'Windows') {
      $tokens = $null; $errors = $null
      $ast = [System.Management.Automation.Language.Parser]::ParseInput($script.Text, [ref]$tokens, [ref]$errors)
      $errors | ForEach-Object { "$($_.Extent.StartLineNumber): $($_.Message)" } | Should -BeNullOrEmpty
      $ast.EndBlock.Statements.Count | Should -BeGreaterThan 0
    } else {
      $file = New-TemporaryFile
      try {
        [IO.File]::WriteAllText($file, $script.Text)
        $complaints = & bash -n $file 2>&1
        $complaints | Should -BeNullOrEmpty
        $LASTEXITCODE | Should -Be 0
      } finally { Remove-Item $file }
    }
  }

  It 'the parser check catches a broken script' {
    $tokens = $null; $errors = $null
    $null = [System.Management.Automation.Language.Parser]::ParseInput("if (`$x { 'unclosed' }`n", [ref]$tokens, [ref]$errors)
    $errors.Count | Should -BeGreaterThan 0
  }
}
