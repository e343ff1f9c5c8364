import { describe, expect, it } from 'vitest';
import { type CredSpecRuleOptions, validateCredSpecText } from '../../lib/credspec';
import { type FixtureName, fixtureDoc, fixtureText } from './fixtures';

// What each good spec is validated against when a case doesn't say otherwise.
const CONTEXT: Record<FixtureName, CredSpecRuleOptions> = {
  'microsoft-contoso': { domain: 'contoso.com', platform: 'windows' },
  'aws-windows-domainless': { domain: 'CONTOSO.COM', platform: 'windows', domainless: true },
  'aws-linux-domainless': { domain: 'example.com', platform: 'linux', domainless: true },
  'aws-windows-domainless-contoso': { domain: 'contoso', platform: 'windows', domainless: true },
  'credentials-fetcher-contoso': { domain: 'contoso.com', platform: 'linux' },
};

const DJ = '$.DomainJoinConfig';
const GMSA = '$.ActiveDirectoryConfig.GroupManagedServiceAccounts';
const HAC = '$.ActiveDirectoryConfig.HostAccountConfig';

interface Case {
  rule: string;
  fixture: FixtureName;
  // biome-ignore lint/suspicious/noExplicitAny: breaks a parsed spec in place
  breakIt?: (doc: any) => void;
  /** Replaces the whole text (after breakIt). */
  text?: (json: string) => string;
  options?: CredSpecRuleOptions;
  expected: { severity: 'error' | 'warning'; code: string; path: string };
}

const pad = (json: string, bytes: number) => json + ' '.repeat(bytes - new TextEncoder().encode(json).length);

const cases: Case[] = [
  {
    rule: 'text is JSON',
    fixture: 'microsoft-contoso',
    text: (j) => j.slice(0, -1),
    expected: { severity: 'error', code: 'invalid-json', path: '$' },
  },
  {
    rule: 'spec is an object',
    fixture: 'microsoft-contoso',
    text: (j) => `[${j}]`,
    expected: { severity: 'error', code: 'not-object', path: '$' },
  },
  {
    rule: 'CmsPlugins has ActiveDirectory',
    fixture: 'microsoft-contoso',
    breakIt: (d) => {
      d.CmsPlugins = ['Kerberos'];
    },
    expected: { severity: 'error', code: 'cms-plugins', path: '$.CmsPlugins' },
  },
  {
    rule: 'DomainJoinConfig present',
    fixture: 'microsoft-contoso',
    breakIt: (d) => {
      delete d.DomainJoinConfig;
    },
    expected: { severity: 'error', code: 'domain-join-missing', path: DJ },
  },
  {
    rule: 'ActiveDirectoryConfig present',
    fixture: 'aws-linux-domainless',
    breakIt: (d) => {
      d.ActiveDirectoryConfig = 'x';
    },
    options: { domainless: false },
    expected: { severity: 'error', code: 'ad-config-missing', path: '$.ActiveDirectoryConfig' },
  },
  {
    rule: 'DnsName present',
    fixture: 'microsoft-contoso',
    breakIt: (d) => {
      delete d.DomainJoinConfig.DnsName;
    },
    expected: { severity: 'error', code: 'dns-name-missing', path: `${DJ}.DnsName` },
  },
  {
    rule: 'DnsName is a DNS name',
    fixture: 'aws-linux-domainless',
    breakIt: (d) => {
      d.DomainJoinConfig.DnsName = 'example_com';
    },
    expected: { severity: 'error', code: 'dns-name-invalid', path: `${DJ}.DnsName` },
  },
  {
    rule: 'DnsName is the fleet domain',
    fixture: 'microsoft-contoso',
    options: { domain: 'corp.example.com' },
    expected: { severity: 'error', code: 'domain-mismatch', path: `${DJ}.DnsName` },
  },
  {
    rule: 'NetBiosName present',
    fixture: 'aws-windows-domainless',
    breakIt: (d) => {
      d.DomainJoinConfig.NetBiosName = '';
    },
    expected: { severity: 'error', code: 'netbios-missing', path: `${DJ}.NetBiosName` },
  },
  {
    rule: 'Sid is a domain SID',
    fixture: 'microsoft-contoso',
    breakIt: (d) => {
      d.DomainJoinConfig.Sid = 'S-1-5-32-544';
    },
    expected: { severity: 'error', code: 'sid-shape', path: `${DJ}.Sid` },
  },
  {
    rule: 'Guid is a GUID',
    fixture: 'aws-linux-domainless',
    breakIt: (d) => {
      d.DomainJoinConfig.Guid = '8665abd4-e947-4dd0-9a51';
    },
    expected: { severity: 'error', code: 'guid-shape', path: `${DJ}.Guid` },
  },
  {
    rule: 'DnsTreeName present',
    fixture: 'microsoft-contoso',
    breakIt: (d) => {
      delete d.DomainJoinConfig.DnsTreeName;
    },
    expected: { severity: 'error', code: 'dns-tree-missing', path: `${DJ}.DnsTreeName` },
  },
  {
    rule: 'at least one gMSA',
    fixture: 'aws-windows-domainless',
    breakIt: (d) => {
      d.ActiveDirectoryConfig.GroupManagedServiceAccounts = [];
    },
    expected: { severity: 'error', code: 'gmsa-missing', path: GMSA },
  },
  {
    rule: 'gMSA Name non-empty',
    fixture: 'microsoft-contoso',
    breakIt: (d) => {
      d.ActiveDirectoryConfig.GroupManagedServiceAccounts[0].Name = ' ';
    },
    expected: { severity: 'error', code: 'gmsa-name-empty', path: `${GMSA}[0].Name` },
  },
  {
    rule: 'gMSA Name without $',
    fixture: 'microsoft-contoso',
    breakIt: (d) => {
      d.ActiveDirectoryConfig.GroupManagedServiceAccounts[1].Name = 'webapp01$';
    },
    expected: { severity: 'error', code: 'gmsa-name-dollar', path: `${GMSA}[1].Name` },
  },
  {
    rule: 'gMSA Name without forbidden characters',
    fixture: 'aws-linux-domainless',
    breakIt: (d) => {
      d.ActiveDirectoryConfig.GroupManagedServiceAccounts[0].Name = 'Web App01';
    },
    expected: { severity: 'error', code: 'gmsa-name-chars', path: `${GMSA}[0].Name` },
  },
  {
    rule: 'gMSA Scope is the domain',
    fixture: 'microsoft-contoso',
    breakIt: (d) => {
      d.ActiveDirectoryConfig.GroupManagedServiceAccounts[1].Scope = 'FABRIKAM';
    },
    expected: { severity: 'error', code: 'gmsa-scope', path: `${GMSA}[1].Scope` },
  },
  {
    rule: 'gMSA Scope is the domain (a warning on Linux: credentials-fetcher ignores Scope)',
    fixture: 'credentials-fetcher-contoso',
    breakIt: (d) => {
      d.ActiveDirectoryConfig.GroupManagedServiceAccounts[0].Scope = 'fabrikam.com';
    },
    expected: { severity: 'warning', code: 'gmsa-scope', path: `${GMSA}[0].Scope` },
  },
  {
    rule: 'gMSA Scope is the domain (an error when the platform is unknown)',
    fixture: 'credentials-fetcher-contoso',
    options: { platform: undefined },
    breakIt: (d) => {
      delete d.ActiveDirectoryConfig.GroupManagedServiceAccounts[1].Scope;
    },
    expected: { severity: 'error', code: 'gmsa-scope', path: `${GMSA}[1].Scope` },
  },
  {
    rule: 'domainless source needs HostAccountConfig',
    fixture: 'microsoft-contoso',
    options: { domainless: true },
    expected: { severity: 'error', code: 'host-account-missing', path: HAC },
  },
  {
    rule: 'PluginGUID is the AWS CCG plugin (Windows)',
    fixture: 'aws-windows-domainless',
    breakIt: (d) => {
      d.ActiveDirectoryConfig.HostAccountConfig.PluginGUID = '{8019A64C-3F4E-4DE3-AD2B-9A544290E2C3}';
    },
    expected: { severity: 'error', code: 'plugin-guid', path: `${HAC}.PluginGUID` },
  },
  {
    rule: 'PluginGUID is only advice on Linux',
    fixture: 'aws-linux-domainless',
    breakIt: (d) => {
      delete d.ActiveDirectoryConfig.HostAccountConfig.PluginGUID;
    },
    expected: { severity: 'warning', code: 'plugin-guid', path: `${HAC}.PluginGUID` },
  },
  {
    rule: 'PortableCcgVersion is the string "1"',
    fixture: 'aws-windows-domainless',
    breakIt: (d) => {
      d.ActiveDirectoryConfig.HostAccountConfig.PortableCcgVersion = 1;
    },
    expected: { severity: 'error', code: 'portable-ccg-version', path: `${HAC}.PortableCcgVersion` },
  },
  {
    rule: 'Windows PluginInput is a JSON string with credentialArn',
    fixture: 'aws-windows-domainless',
    breakIt: (d) => {
      d.ActiveDirectoryConfig.HostAccountConfig.PluginInput =
        '{"CredentialArn": "arn:aws:secretsmanager:us-west-2:111122223333:secret:x"}';
    },
    expected: { severity: 'error', code: 'plugin-input-form', path: `${HAC}.PluginInput` },
  },
  {
    rule: 'Linux PluginInput is an object with CredentialArn',
    fixture: 'aws-linux-domainless',
    breakIt: (d) => {
      d.ActiveDirectoryConfig.HostAccountConfig.PluginInput = {
        credentialArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:x',
      };
    },
    expected: { severity: 'error', code: 'plugin-input-form', path: `${HAC}.PluginInput` },
  },
  {
    rule: 'a Windows spec on Linux',
    fixture: 'aws-windows-domainless',
    options: { platform: 'linux' },
    expected: { severity: 'error', code: 'wrong-platform', path: `${HAC}.PluginInput` },
  },
  {
    rule: 'a Linux spec on Windows',
    fixture: 'aws-linux-domainless',
    options: { platform: 'windows' },
    expected: { severity: 'error', code: 'wrong-platform', path: `${HAC}.PluginInput` },
  },
  {
    rule: 'Linux reads the domainless user from Secrets Manager only',
    fixture: 'aws-linux-domainless',
    breakIt: (d) => {
      d.ActiveDirectoryConfig.HostAccountConfig.PluginInput.CredentialArn =
        'arn:aws:ssm:us-west-2:123456789012:parameter/gmsa-user';
    },
    expected: { severity: 'error', code: 'plugin-input-arn', path: `${HAC}.PluginInput` },
  },
  {
    rule: 'the credential ARN is an ARN',
    fixture: 'aws-windows-domainless',
    breakIt: (d) => {
      d.ActiveDirectoryConfig.HostAccountConfig.PluginInput = '{"credentialArn": "gmsa-plugin-input"}';
    },
    expected: { severity: 'error', code: 'plugin-input-arn', path: `${HAC}.PluginInput` },
  },
  {
    rule: 'S3 spec over 4000 bytes (Linux)',
    fixture: 'aws-linux-domainless',
    text: (j) => pad(j, 4001),
    options: { sourceKind: 's3' },
    expected: { severity: 'error', code: 'too-large', path: '$' },
  },
  {
    rule: 'S3 spec over 4000 bytes (platform unknown)',
    fixture: 'aws-linux-domainless',
    text: (j) => pad(j, 4001),
    options: { sourceKind: 's3', platform: undefined },
    expected: { severity: 'warning', code: 'too-large', path: '$' },
  },
  {
    rule: 'parameter near 4 KB',
    fixture: 'microsoft-contoso',
    text: (j) => pad(j, 3900),
    options: { sourceKind: 'ssm' },
    expected: { severity: 'warning', code: 'near-size-limit', path: '$' },
  },
];

describe('validateCredSpecText', () => {
  it.each(Object.keys(CONTEXT) as FixtureName[])('finds nothing wrong with the good spec %s', (name) => {
    expect(validateCredSpecText(fixtureText(name), CONTEXT[name])).toEqual([]);
  });

  it.each(['aws-windows-domainless', 'aws-linux-domainless'] as const)(
    'infers the platform of %s from its PluginInput when none is given',
    (name) => {
      expect(validateCredSpecText(fixtureText(name), { ...CONTEXT[name], platform: undefined })).toEqual([]);
    },
  );

  it.each(cases)('$rule: $expected.code at $expected.path', (c) => {
    const doc = fixtureDoc(c.fixture);
    c.breakIt?.(doc);
    const json = JSON.stringify(doc, null, 2);
    const findings = validateCredSpecText(c.text ? c.text(json) : json, { ...CONTEXT[c.fixture], ...c.options });
    expect(findings).toEqual([{ ...c.expected, message: expect.stringMatching(/\w.{30,}/) }]);
  });

  it('treats HostAccountConfig as domainless even when the source does not say so', () => {
    const doc = fixtureDoc('aws-windows-domainless');
    doc.ActiveDirectoryConfig.HostAccountConfig.PortableCcgVersion = '2';
    const findings = validateCredSpecText(JSON.stringify(doc), { platform: 'windows' });
    expect(findings.map((f) => f.code)).toEqual(['portable-ccg-version']);
  });

  it('accepts an SSM parameter as the domainless credential on Windows', () => {
    const doc = fixtureDoc('aws-windows-domainless');
    doc.ActiveDirectoryConfig.HostAccountConfig.PluginInput = JSON.stringify({
      credentialArn: 'arn:aws:ssm:us-west-2:111122223333:parameter/gmsa/user',
    });
    expect(validateCredSpecText(JSON.stringify(doc), CONTEXT['aws-windows-domainless'])).toEqual([]);
  });

  it('names the gMSA in the message about a trailing $', () => {
    const doc = fixtureDoc('microsoft-contoso');
    doc.ActiveDirectoryConfig.GroupManagedServiceAccounts[0].Name = 'webapp01$';
    const [finding] = validateCredSpecText(JSON.stringify(doc), CONTEXT['microsoft-contoso']);
    expect(finding?.message).toContain('"webapp01$"');
    expect(finding?.message).toContain('(webapp01)');
  });

  it('reports each forbidden character credentials-fetcher rejects', () => {
    for (const c of ['&', ':', ']', '[', '+', '|', ';', '*', '?', '<', '>', '!', ' ', '/', '\\', "'", '`', '~', '$']) {
      const doc = fixtureDoc('aws-linux-domainless');
      doc.ActiveDirectoryConfig.GroupManagedServiceAccounts[0].Name = `Web${c}App01`;
      const codes = validateCredSpecText(JSON.stringify(doc), CONTEXT['aws-linux-domainless']).map((f) => f.code);
      expect(codes, `character ${c}`).toEqual(['gmsa-name-chars']);
    }
  });

  it('compares the domain and the Scope case-insensitively', () => {
    const doc = fixtureDoc('microsoft-contoso');
    doc.ActiveDirectoryConfig.GroupManagedServiceAccounts[1].Scope = 'contoso';
    expect(validateCredSpecText(JSON.stringify(doc), { domain: 'Contoso.COM', platform: 'windows' })).toEqual([]);
  });

  it('leaves size alone where the limit does not apply', () => {
    const big = pad(fixtureText('aws-linux-domainless'), 4100);
    expect(
      validateCredSpecText(big, { ...CONTEXT['aws-linux-domainless'], platform: 'windows', sourceKind: 's3' }).map(
        (f) => f.code,
      ),
    ).toEqual(['wrong-platform']);
    // Over 4 KB a parameter is advanced tier already: no "near the standard limit" warning.
    expect(validateCredSpecText(big, { ...CONTEXT['aws-linux-domainless'], sourceKind: 'ssm' })).toEqual([]);
    expect(
      validateCredSpecText(pad(fixtureText('aws-linux-domainless'), 4000), {
        ...CONTEXT['aws-linux-domainless'],
        sourceKind: 's3',
      }),
    ).toEqual([]);
  });

  it('points at a byte-order mark when that is why the JSON does not parse', () => {
    const [finding] = validateCredSpecText(`\uFEFF${fixtureText('microsoft-contoso')}`);
    expect(finding).toMatchObject({ code: 'invalid-json', message: expect.stringContaining('byte-order mark') });
  });
});
