// Runs the Pester tests of the SSM documents (test/documents/*.Tests.ps1: the scripts of ssm/*.yml executed
// under PowerShell 7 and bash against stubs) once, and reports each Pester test as a vitest test.
// Without pwsh and Pester the tests are skipped with a note on how to run them, unless
// GMSA_DOCUMENT_TESTS=required (set by `npm run test:documents`, which installs both first).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, it } from 'vitest';

// `vitest --changed` (merge.sh) cannot see that these tests depend on ssm/*.yml and the .ps1 files: it follows
// JavaScript imports only (a `?raw` import of a document, static or globbed, was tried and is not followed). Run
// `npm run test:documents` after changing a document or the harness; CI runs it.

const PESTER_VERSION = '5.7.1';
const HOW_TO_RUN =
  'The SSM document tests (test/documents/*.Tests.ps1) need PowerShell 7 (pwsh) and Pester 5.7.1. ' +
  'Run them with `npm run test:documents`: scripts/ensure-pwsh.sh installs both with the .NET SDK ' +
  '(or set PWSH and GMSA_PESTER to their paths).';

interface PesterResult {
  file: string;
  name: string;
  result: 'Passed' | 'Failed' | 'Skipped' | 'NotRun' | 'Inconclusive';
  error: string;
}

function findPwsh(): string | undefined {
  if (process.env.PWSH) return process.env.PWSH;
  const onPath = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'pwsh'));
  return [...onPath, join(homedir(), '.dotnet', 'tools', 'pwsh')].find((candidate) => existsSync(candidate));
}

function findPester(): string | undefined {
  const packages = process.env.NUGET_PACKAGES ?? join(homedir(), '.nuget', 'packages');
  const candidate = process.env.GMSA_PESTER ?? join(packages, 'pester', PESTER_VERSION, 'tools', 'Pester.psd1');
  return existsSync(candidate) ? candidate : undefined;
}

function runPester(pwsh: string, pester: string): PesterResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'gmsa-ready-pester-'));
  const resultFile = join(dir, 'results.json');
  try {
    const run = spawnSync(
      pwsh,
      ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', join(import.meta.dirname, 'run-pester.ps1'), resultFile],
      { env: { ...process.env, GMSA_PESTER: pester }, encoding: 'utf8', timeout: 15 * 60_000 },
    );
    if (!existsSync(resultFile))
      throw new Error(`Pester wrote no results (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
    return JSON.parse(readFileSync(resultFile, 'utf8')) as PesterResult[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pwsh = findPwsh();
const pester = findPester();

if (!pwsh || !pester) {
  if (process.env.GMSA_DOCUMENT_TESTS === 'required') {
    it('finds pwsh and Pester', () => {
      throw new Error(HOW_TO_RUN);
    });
  } else {
    console.warn(HOW_TO_RUN);
    it.skip('SSM document tests (pwsh and Pester not found)', () => {});
  }
} else {
  const results = runPester(pwsh, pester);
  const files = [...new Set(results.map((result) => result.file))];
  it('ran the Pester tests of every document test file', () => {
    if (results.length === 0) throw new Error('Pester reported no tests');
  });
  for (const file of files)
    describe(file, () => {
      for (const result of results.filter((r) => r.file === file))
        it(result.name, () => {
          if (result.result !== 'Passed') throw new Error(`${result.result}: ${result.error}`);
        });
    });
}
