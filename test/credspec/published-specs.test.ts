// Credential specs published by AWS and by credentials-fetcher, run through the rules as they were published:
// single-label domains pass, and credentials-fetcher's own domainless sample is flagged for the one thing in
// it no real ARN has (a 9-digit account id), nothing else.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateCredSpecText } from '../../lib/credspec';
import { fixtureDoc, fixtureText } from './fixtures';

describe('published credential specs', () => {
  it("accepts AWS's single-label domainless Windows spec (DnsName contoso) for a contoso fleet", () => {
    expect(
      validateCredSpecText(fixtureText('aws-windows-domainless-contoso'), {
        domain: 'contoso',
        platform: 'windows',
        domainless: true,
      }),
    ).toEqual([]);
  });

  it('still tells a single-label domain from another one', () => {
    const codes = validateCredSpecText(fixtureText('aws-windows-domainless-contoso'), {
      domain: 'fabrikam',
      platform: 'windows',
    });
    expect(codes.map((f) => f.code)).toEqual(['domain-mismatch']);
  });

  it('accepts a single-label DnsName on Linux, as credentials-fetcher isValidDomain does', () => {
    const doc = fixtureDoc('credentials-fetcher-contoso');
    doc.DomainJoinConfig.DnsName = 'contoso';
    doc.DomainJoinConfig.DnsTreeName = 'contoso';
    doc.ActiveDirectoryConfig.GroupManagedServiceAccounts[0].Scope = 'contoso';
    expect(validateCredSpecText(JSON.stringify(doc), { domain: 'contoso', platform: 'linux' })).toEqual([]);
  });

  it("flags only the 9-digit account id of credentials-fetcher's domainless sample (gmsa_service.cpp)", () => {
    const text = readFileSync(
      new URL('../fixtures/credspecs/credentials-fetcher-domainless.json', import.meta.url),
      'utf8',
    );
    const findings = validateCredSpecText(text, { domain: 'contoso.com', platform: 'linux', domainless: true });
    expect(findings.map((f) => [f.severity, f.code])).toEqual([['error', 'plugin-input-arn']]);
  });

  it('warns, and does not fail, on a Linux Scope that names neither the DNS nor the NetBIOS name', () => {
    const doc = fixtureDoc('credentials-fetcher-contoso');
    doc.ActiveDirectoryConfig.GroupManagedServiceAccounts[1].Scope = 'FABRIKAM';
    const linux = validateCredSpecText(JSON.stringify(doc), { domain: 'contoso.com', platform: 'linux' });
    expect(linux.map((f) => [f.severity, f.code])).toEqual([['warning', 'gmsa-scope']]);
    const windows = validateCredSpecText(JSON.stringify(doc), { domain: 'contoso.com', platform: 'windows' });
    expect(windows.map((f) => [f.severity, f.code])).toEqual([['error', 'gmsa-scope']]);
  });
});
