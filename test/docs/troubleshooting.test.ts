// docs/troubleshooting.md keeps a section per failure code: a code the catalogue gains without a section fails
// here, and so does a section that names no code (or one the catalogue lost).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, UNKNOWN } from '../../lib/failures/catalogue';

const doc = readFileSync(new URL('../../docs/troubleshooting.md', import.meta.url), 'utf8');
const sections = [...doc.matchAll(/^## (.*)$/gm)].map((match) => match[1] ?? '');
const sectionCode = (heading: string) => /^`([a-z0-9-]+)`$/.exec(heading)?.[1];
const codes: string[] = [...CATALOGUE.map((entry) => entry.code), UNKNOWN.code];

describe('docs/troubleshooting.md', () => {
  it('has a section for every code of the catalogue, and for unknown', () => {
    const documented = new Set(sections.map(sectionCode));
    expect(codes.filter((code) => !documented.has(code))).toEqual([]);
  });

  it('has no section that does not name a code', () => {
    expect(sections.filter((heading) => !codes.includes(sectionCode(heading) ?? ''))).toEqual([]);
  });

  it('each section says what the code means, how to confirm it and how to fix it', () => {
    const bodies = doc.split(/^## /m).slice(1);
    for (const body of bodies) {
      const heading = body.split('\n')[0];
      for (const part of ['**Means:**', '**Confirm:**', '**Fix:**']) expect(body, `${heading} ${part}`).toContain(part);
    }
  });
});
