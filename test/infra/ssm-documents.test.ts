// The project's Run Command documents: every parameter is constrained by an allowedPattern that lets the
// values gmsa-ready sends through and keeps hostile text out (issue 4 and 7), and the scripts use the
// parameters only inside single-quoted literals.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { patterns } from '../../lib/config/patterns';
import { documentPatterns } from '../../lib/sandbox/model/documents';

interface Parameter {
  type: string;
  allowedPattern: string;
  default?: string;
  maxChars?: number;
}
interface Document {
  schemaVersion: string;
  parameters: Record<string, Parameter>;
  mainSteps: { action: string; inputs: { runCommand: string[] } }[];
}

const load = (file: string) => parse(readFileSync(`ssm/${file}`, 'utf8')) as Document;
const documents = {
  'group-change.yml': load('group-change.yml'),
  'list-members.yml': load('list-members.yml'),
  'doctor-probe.yml': load('doctor-probe.yml'),
  'refresh-windows.yml': load('refresh-windows.yml'),
  'refresh-linux.yml': load('refresh-linux.yml'),
  'join-windows.yml': load('join-windows.yml'),
  'join-linux.yml': load('join-linux.yml'),
};

it('covers every document in ssm/', () => {
  expect(Object.keys(documents).sort()).toEqual(
    readdirSync('ssm')
      .filter((f) => f.endsWith('.yml'))
      .sort(),
  );
});

/**
 * What SSM checks before it substitutes a value: the pattern, and maxChars when set. (JS `$` is end of input;
 * were SSM's `$` to allow a trailing newline, it would still land inside the quoted literal.)
 */
function accepts(parameter: Parameter, value: string): boolean {
  return new RegExp(parameter.allowedPattern).test(value) && value.length <= (parameter.maxChars ?? 4096);
}
const parameter = (file: keyof typeof documents, name: string): Parameter => {
  const found = documents[file].parameters[name];
  if (!found) throw new Error(`${file} has no parameter ${name}`);
  return found;
};

const HOSTILE = [
  "x';Remove-ADGroup -Identity 'Domain Admins",
  '$(whoami)',
  'EC2AMAZ-A1B2C3D$`whoami`',
  'a;b',
  'EC2AMAZ-A1B2C3D$\nRemove-ADGroup',
  'corp.example.com\n',
  '"quoted"',
  'name|pipe',
  '',
];

describe('every parameter of every document', () => {
  it.each(Object.entries(documents))('%s: constrained by an anchored allowedPattern', (_, document) => {
    expect(document.schemaVersion).toBe('2.2');
    for (const [name, { allowedPattern }] of Object.entries(document.parameters))
      expect(allowedPattern, name).toMatch(/^\^.*\$$/);
  });

  it.each(Object.entries(documents))(
    '%s: rejects quotes, $(, backticks, semicolons, newlines, pipes, empty',
    (_, document) => {
      // An optional parameter (default "") may be empty; nothing else gets through.
      for (const [name, definition] of Object.entries(document.parameters))
        for (const value of HOSTILE)
          if (!(value === '' && definition.default === ''))
            expect(accepts(definition, value), `${name} <- ${JSON.stringify(value)}`).toBe(false);
    },
  );

  it.each(Object.entries(documents))('%s: uses each parameter only inside a single-quoted literal', (_, document) => {
    const script = document.mainSteps.flatMap((step) => step.inputs.runCommand).join('\n');
    const uses = [...script.matchAll(/(.?)\{\{\s*(\w+)\s*\}\}(.?)/g)];
    expect(uses.map((use) => use[2]).sort()).toEqual(Object.keys(document.parameters).sort());
    for (const [use, before, , after] of uses) expect(`${before}${after}`, use).toBe("''");
  });
});

describe('GroupChange', () => {
  const names = parameter('group-change.yml', 'ComputerNames');
  const account = (i: number) => `EC2AMAZ-${String(i).padStart(7, '0')}$`;

  it('accepts 1 to 50 NAME$ accounts and nothing else', () => {
    expect(accepts(names, 'EC2AMAZ-A1B2C3D$')).toBe(true);
    expect(accepts(names, 'EC2AMAZ-A1B2C3D$,IP-0A000A0B$,WEB1$')).toBe(true);
    expect(accepts(names, Array.from({ length: 50 }, (_, i) => account(i)).join(','))).toBe(true);
    expect(accepts(names, Array.from({ length: 51 }, (_, i) => account(i)).join(','))).toBe(false);
    expect(accepts(names, 'EC2AMAZ-A1B2C3D')).toBe(false); // not a computer account: no $
    expect(accepts(names, 'EC2AMAZ-A1B2C3DE$')).toBe(false); // 16 characters: not a NetBIOS name
    expect(accepts(names, 'EC2AMAZ-A1B2C3D$,')).toBe(false);
    expect(accepts(names, '-LEADING$')).toBe(false);
    expect(accepts(names, 'EC2AMAZ-A1B2C3D$ ,WEB1$')).toBe(false);
  });

  it('matches lib/config/patterns for computer accounts and group names', () => {
    for (const value of ['EC2AMAZ-A1B2C3D$', 'A$', 'EC2AMAZ-A1B2C3DE$', 'x$y$', 'ab'])
      expect(accepts(names, value), value).toBe(patterns.computerAccount.test(value));
    expect(parameter('group-change.yml', 'GroupName').allowedPattern).toBe(patterns.adGroupName.source);
    expect(parameter('list-members.yml', 'GroupName').allowedPattern).toBe(patterns.adGroupName.source);
  });

  it('accepts real group names and only add/remove, true/false', () => {
    const group = parameter('group-change.yml', 'GroupName');
    for (const value of ['OrdersApiHosts', 'gMSA Hosts - Orders', 'hosts_2', 'A'])
      expect(accepts(group, value), value).toBe(true);
    for (const value of ['Domain Admins;', "O'Brien", 'x\ty', ' lead'])
      expect(accepts(group, value), value).toBe(false);
    const action = parameter('group-change.yml', 'Action');
    expect(['add', 'remove', 'delete', 'Add', 'drop', 'add remove'].map((value) => accepts(action, value))).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    for (const [file, name] of [
      ['group-change.yml', 'DeleteComputerAccount'],
      ['refresh-windows.yml', 'RestartEcsAgent'],
    ] as const) {
      const flag = parameter(file, name);
      expect(
        ['true', 'false', 'TRUE', '1', 'yes'].map((value) => accepts(flag, value)),
        name,
      ).toEqual([true, true, false, false, false]);
      expect(flag.default).toBe('false');
    }
  });

  it('acts on objectSIDs: resolves before it adds, deletes by GUID with -Recursive, never prompts', () => {
    const script = documents['group-change.yml'].mainSteps[0]?.inputs.runCommand.join('\n') ?? '';
    expect(script).toContain("$ErrorActionPreference = 'Stop'");
    expect(script).toContain('Add-ADGroupMember -Identity $adGroup -Members $computer -Server $domain');
    expect(script).toContain(
      'Remove-ADGroupMember -Identity $adGroup -Members $computer -Server $domain -Confirm:$false',
    );
    expect(script).toContain(
      'Remove-ADObject -Identity $computer.ObjectGUID -Recursive -Server $domain -Confirm:$false',
    );
    expect(script).toContain('$computer = Find-Computer $sid');
    expect(script).toContain('if ($adGroup.adminCount -eq 1)');
    expect(script).toContain("'GMSA-READY-RESULT {0} {1}'");
    expect(script).toContain("'GMSA-READY-IDENTITY {0} {1}'");
    expect(script).toContain('if ($failed -gt 0) { exit 1 }');
    // The only membership change by name is a removal for a record without an identity.
    expect(script.match(/-Members \$name/g)).toHaveLength(1);
    expect(script).not.toMatch(/Add-ADGroupMember[^\n]*-Members \$name/);
  });

  it('takes one objectSID or - per name, up to 50, and nothing else', () => {
    const sids = parameter('group-change.yml', 'ObjectSids');
    const sid = (i: number) => `S-1-5-21-3623811015-3361044348-30300820-${1100 + i}`;
    expect(accepts(sids, sid(1))).toBe(true);
    expect(accepts(sids, '-')).toBe(true);
    expect(accepts(sids, `${sid(1)},-,${sid(2)}`)).toBe(true);
    expect(accepts(sids, Array.from({ length: 50 }, (_, i) => sid(i)).join(','))).toBe(true);
    expect(accepts(sids, Array.from({ length: 51 }, (_, i) => sid(i)).join(','))).toBe(false);
    for (const value of ['S-1-5-32-544', 'S-1-5-21-1-2-3', `${sid(1)},`, `${sid(1)} `, '--', 'S-1-5-21-1-2-3-4-5'])
      expect(accepts(sids, value), value).toBe(false);
    for (const value of [sid(7), 'S-1-5-21-1-2-3-4', 'S-1-5-32-544', 'S-1-5-21-12345678901-1-1-1'])
      expect(accepts(sids, value), value).toBe(patterns.objectSid.test(value));
    const action = parameter('group-change.yml', 'Action');
    expect(accepts(action, 'resolve')).toBe(true);
  });
});

describe('the sandbox model of the documents', () => {
  it('checks exactly the allowedPattern of each parameter (the model must not drift from the documents)', () => {
    for (const [model, file] of [
      ['groupChange', 'group-change.yml'],
      ['listMembers', 'list-members.yml'],
      ['doctorProbe', 'doctor-probe.yml'],
    ] as const) {
      const fromYaml = Object.fromEntries(
        Object.entries(documents[file].parameters).map(([name, p]) => [name, p.allowedPattern]),
      );
      const fromModel = Object.fromEntries(
        Object.entries(documentPatterns[model]).map(([name, pattern]) => [name, pattern.source]),
      );
      // The model's dnsName keeps its length lookahead; the document bounds the length with maxChars.
      expect({ ...fromModel, DomainName: 'dns' }, file).toEqual({ ...fromYaml, DomainName: 'dns' });
    }
  });
});

describe('DoctorProbe', () => {
  it('reads only: Get- cmdlets, no write, no remove, no set', () => {
    const script = documents['doctor-probe.yml'].mainSteps[0]?.inputs.runCommand.join('\n') ?? '';
    const cmdlets = new Set(script.match(/\b[A-Z][a-z]+-[A-Z][A-Za-z]+\b/g));
    expect([...cmdlets].sort()).toEqual(
      [
        'Get-ADGroup',
        'Get-ADServiceAccount',
        'Get-KdsRootKey',
        'Get-Reason',
        'Import-Module',
        'Test-NotFound',
        'Write-Output',
        'Write-Probe',
      ].sort(),
    );
  });

  it('takes - or 1 to 20 gMSA names without $', () => {
    const names = parameter('doctor-probe.yml', 'GmsaNames');
    expect(accepts(names, '-')).toBe(true);
    expect(accepts(names, 'OrdersApi')).toBe(true);
    expect(accepts(names, Array.from({ length: 20 }, (_, i) => `gmsa${i}`).join(','))).toBe(true);
    expect(accepts(names, Array.from({ length: 21 }, (_, i) => `gmsa${i}`).join(','))).toBe(false);
    for (const value of ['OrdersApi$', 'a,', ',a', 'a b', 'abcdefghijklmnop', '-,a'])
      expect(accepts(names, value), value).toBe(false);
  });
});

describe('DomainName', () => {
  const domains = [
    parameter('group-change.yml', 'DomainName'),
    parameter('list-members.yml', 'DomainName'),
    parameter('doctor-probe.yml', 'DomainName'),
    parameter('refresh-linux.yml', 'DomainName'),
    parameter('join-windows.yml', 'DomainName'),
    parameter('join-linux.yml', 'DomainName'),
  ];

  it('agrees with lib/config/patterns.dnsName (the document pattern has no lookahead: maxChars bounds it)', () => {
    const samples = [
      'corp.example.com',
      'a.b',
      'CORP.EXAMPLE.COM',
      'corp-1.example.com',
      'corp',
      '-corp.example.com',
      'corp.example.com.',
      'corp..example.com',
      'corp.example.1com',
      `${'a'.repeat(63)}.com`,
      `${'a'.repeat(64)}.com`,
      `${Array.from({ length: 62 }, () => 'abc').join('.')}.com`, // 251 characters
      `${Array.from({ length: 63 }, () => 'abc').join('.')}.com`, // 255 characters
    ];
    for (const domain of domains)
      for (const value of samples) expect(accepts(domain, value), value).toBe(patterns.dnsName.test(value));
  });

  it('accepts single-label domains such as contoso', () => {
    for (const domain of domains) expect(accepts(domain, 'contoso')).toBe(true);
  });
});

describe('refresh documents', () => {
  // What the scripts do is executed under pwsh and bash in test/documents; these pin the shapes that matter.
  it('purges the machine tickets on Windows and checks klist exit code', () => {
    const script = documents['refresh-windows.yml'].mainSteps[0]?.inputs.runCommand.join('\n') ?? '';
    expect(documents['refresh-windows.yml'].mainSteps[0]?.action).toBe('aws:runPowerShellScript');
    expect(script).toContain('klist.exe -li 0x3e7 purge');
    expect(script).toContain('$LASTEXITCODE -ne 0');
  });

  it('checks the realm, then each restart on its own on Linux (no AND-list under set -e)', () => {
    const step = documents['refresh-linux.yml'].mainSteps[0];
    expect(step?.action).toBe('aws:runShellScript');
    const script = step?.inputs.runCommand.join('\n') ?? '';
    expect(script).toContain('realm list --name-only | grep -qixF "$domain"');
    expect(script).not.toContain('&&');
    const order = [
      'realm list',
      'systemctl restart credentials-fetcher',
      'systemctl is-active credentials-fetcher',
      'systemctl restart --no-block ecs',
    ].map((text) => script.indexOf(text));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});

describe('join documents (self-managed directories)', () => {
  const joins = ['join-windows.yml', 'join-linux.yml'] as const;

  it('take no credential: only the ARN of the secret the host reads', () => {
    for (const file of joins) {
      expect(Object.keys(documents[file].parameters).sort()).toEqual([
        'DnsIpAddresses',
        'DomainName',
        'OuPath',
        'SecretArn',
      ]);
      const arn = parameter(file, 'SecretArn');
      expect(accepts(arn, 'arn:aws:secretsmanager:us-east-1:123456789012:secret:gmsa-ready/join-AbCdEf')).toBe(true);
      expect(accepts(arn, 'arn:aws:ssm:us-east-1:123456789012:parameter/join')).toBe(false);
    }
  });

  it('agree with lib/config/patterns on OUs and DNS server lists (up to four)', () => {
    for (const file of joins) {
      for (const value of ['OU=Hosts,DC=corp,DC=example,DC=com', 'OU=a"b,DC=x', 'CN=Computers,DC=corp'])
        expect(accepts(parameter(file, 'OuPath'), value), value).toBe(patterns.distinguishedName.test(value));
      const dns = parameter(file, 'DnsIpAddresses');
      expect(accepts(dns, '10.0.0.10,10.0.1.10')).toBe(true);
      expect(accepts(dns, '10.0.0.1,10.0.0.2,10.0.0.3,10.0.0.4,10.0.0.5')).toBe(false);
      expect(accepts(dns, '10.0.0.256')).toBe(false);
    }
  });
});
