// Rules for the parts every credential spec has: the domain (DomainJoinConfig) and the gMSA accounts.
import { patterns } from '../config/patterns';
import type { CredSpecFinding, Platform } from '../workflow/types';
import { error, isObject, nonEmptyString, show, warning } from './findings';
import { gmsaNameShapeFindings, netbiosNameFindings } from './name-rules';

const DJ = '$.DomainJoinConfig';
const GMSA = '$.ActiveDirectoryConfig.GroupManagedServiceAccounts';
const TICKET = 'tasks using it fail to start with "Cannot get gMSA krb ticket"';

// Domain SID: S-1-5-21 followed by the three sub-authorities of the domain.
const DOMAIN_SID = /^S-1-5-21-\d+-\d+-\d+$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
// The characters credentials-fetcher refuses in an account name (api/src/gmsa_service.cpp).
const FORBIDDEN_NAME_CHARS = [
  '&',
  ':',
  ']',
  '[',
  '+',
  '|',
  ';',
  '$',
  '*',
  '?',
  '<',
  '>',
  '!',
  ' ',
  '/',
  '\\',
  "'",
  '`',
  '~',
];

const describe = show;

export function domainJoinFindings(dj: Record<string, unknown>, domain: string | undefined): CredSpecFinding[] {
  const findings: CredSpecFinding[] = [];
  const { DnsName, NetBiosName, Sid, Guid, DnsTreeName, MachineAccountName } = dj;

  if (!nonEmptyString(DnsName)) {
    findings.push(
      error(
        'dns-name-missing',
        `${DJ}.DnsName`,
        `DnsName (the domain's FQDN) is ${describe(DnsName)}: credentials-fetcher rejects the spec and Windows cannot locate the domain, so ${TICKET}.`,
      ),
    );
  } else if (!patterns.dnsName.test(DnsName)) {
    findings.push(
      error(
        'dns-name-invalid',
        `${DJ}.DnsName`,
        `DnsName ${show(DnsName)} is not a DNS domain name such as corp.example.com: credentials-fetcher rejects the spec and ${TICKET}.`,
      ),
    );
  } else if (domain !== undefined && DnsName.toLowerCase() !== domain.toLowerCase()) {
    findings.push(
      error(
        'domain-mismatch',
        `${DJ}.DnsName`,
        `The spec is for domain ${DnsName} but this fleet's hosts are in ${domain}: they cannot retrieve the gMSA's password, so ${TICKET}.`,
      ),
    );
  }

  if (!nonEmptyString(NetBiosName)) {
    findings.push(
      error(
        'netbios-missing',
        `${DJ}.NetBiosName`,
        `NetBiosName (the domain's NetBIOS name, e.g. CORP) is ${describe(NetBiosName)}: Windows cannot map the account's NetBIOS scope and ${TICKET}.`,
      ),
    );
  } else {
    findings.push(...netbiosNameFindings(NetBiosName, `${DJ}.NetBiosName`));
  }
  // New-CredentialSpec writes the (first) gMSA's name here too; optional, but shaped like one when present.
  if (typeof MachineAccountName === 'string')
    findings.push(
      ...gmsaNameShapeFindings(MachineAccountName, MachineAccountName.replace(/\$$/, ''), `${DJ}.MachineAccountName`),
    );
  if (typeof Sid !== 'string' || !DOMAIN_SID.test(Sid)) {
    findings.push(
      error(
        'sid-shape',
        `${DJ}.Sid`,
        `Sid is ${describe(Sid)}, not a domain SID shaped S-1-5-21-x-y-z: the container cannot be given the domain identity (regenerate the spec with New-CredentialSpec).`,
      ),
    );
  }
  if (typeof Guid !== 'string' || !GUID.test(Guid)) {
    findings.push(
      error(
        'guid-shape',
        `${DJ}.Guid`,
        `Guid is ${describe(Guid)}, not a GUID such as 56d9b66c-d746-4f87-bd26-26760cfdca2e: the container cannot be given the domain identity (regenerate the spec with New-CredentialSpec).`,
      ),
    );
  }
  if (!nonEmptyString(DnsTreeName)) {
    findings.push(
      error(
        'dns-tree-missing',
        `${DJ}.DnsTreeName`,
        `DnsTreeName (the forest's FQDN) is ${describe(DnsTreeName)}: Windows cannot locate the forest and ${TICKET}.`,
      ),
    );
  }
  return findings;
}

/**
 * Names of the domain a Scope may carry: its DNS name and its NetBIOS name. Empty when either is unusable:
 * the rules above already report that, and a Scope can't be judged against half a domain.
 */
function scopesOf(dj: Record<string, unknown> | undefined): string[] {
  const dns = dj?.DnsName;
  const netbios = dj?.NetBiosName;
  if (typeof dns !== 'string' || !patterns.dnsName.test(dns) || !nonEmptyString(netbios)) return [];
  return [dns, netbios];
}

export function gmsaFindings(
  ad: Record<string, unknown>,
  dj: Record<string, unknown> | undefined,
  platform?: Platform,
): CredSpecFinding[] {
  const accounts = ad.GroupManagedServiceAccounts;
  if (!Array.isArray(accounts) || accounts.length === 0) {
    return [
      error(
        'gmsa-missing',
        GMSA,
        `GroupManagedServiceAccounts must list at least one account; it is ${describe(accounts)}, so the container has no gMSA to run as and ${TICKET}.`,
      ),
    ];
  }
  const scopes = scopesOf(dj);
  return accounts.flatMap((account, i) => accountFindings(account, `${GMSA}[${i}]`, scopes, platform));
}

function accountFindings(
  account: unknown,
  path: string,
  scopes: string[],
  platform: Platform | undefined,
): CredSpecFinding[] {
  const entry = isObject(account) ? account : {};
  const findings = nameFindings(entry.Name, `${path}.Name`);
  const scope = entry.Scope;
  if (scopes.length > 0 && (typeof scope !== 'string' || !scopes.some((s) => s.toLowerCase() === scope.toLowerCase())))
    findings.push(scopeFinding(scope, `${path}.Scope`, scopes, platform));
  return findings;
}

/**
 * Every published spec gives each account the domain's DNS name or NetBIOS name as Scope (Microsoft's
 * New-CredentialSpec, AWS's samples, credentials-fetcher's tests). credentials-fetcher never reads Scope
 * (parse_cred_spec, api/src/gmsa_service.cpp: DnsName and the first Name only), so on Linux another Scope is
 * a warning. Windows CCG's use of Scope has no public source; a Scope naming no name of the spec's domain
 * stays an error there (and when the platform is unknown), the safer choice for a spec that cannot be right.
 */
function scopeFinding(scope: unknown, path: string, scopes: string[], platform: Platform | undefined): CredSpecFinding {
  const expected = `the domain's DNS name or NetBIOS name (${scopes.join(' or ')})`;
  if (platform === 'linux')
    return warning(
      'gmsa-scope',
      path,
      `Scope is ${describe(scope)}, not ${expected}: credentials-fetcher reads only DnsName and the first account's Name, so Linux tasks are not affected, but Windows hosts given this spec would look the account up in the wrong domain.`,
    );
  return error(
    'gmsa-scope',
    path,
    `Scope is ${describe(scope)} but must be ${expected}: the account is looked up in the wrong domain and ${TICKET}.`,
  );
}

function nameFindings(name: unknown, path: string): CredSpecFinding[] {
  if (!nonEmptyString(name)) {
    return [
      error(
        'gmsa-name-empty',
        path,
        `The gMSA Name is ${describe(name)}: it must be the account's name without domain and without $ (e.g. webapp01), else ${TICKET}.`,
      ),
    ];
  }
  const findings: CredSpecFinding[] = [];
  let bare = name;
  if (name.endsWith('$')) {
    bare = name.slice(0, -1);
    findings.push(
      error(
        'gmsa-name-dollar',
        path,
        `The gMSA Name ${show(name)} ends with $: write it without the $ (${bare}); credentials-fetcher rejects it and Windows looks up a different account, so ${TICKET}.`,
      ),
    );
  }
  findings.push(...gmsaNameShapeFindings(name, bare, path));
  const bad = FORBIDDEN_NAME_CHARS.filter((c) => bare.includes(c));
  if (bad.length > 0) {
    findings.push(
      error(
        'gmsa-name-chars',
        path,
        `The gMSA Name ${show(name)} contains ${bad.map((c) => JSON.stringify(c)).join(', ')}: credentials-fetcher rejects names with any of & : ] [ + | ; $ * ? < > ! space / \\ ' \` ~, so ${TICKET}.`,
      ),
    );
  }
  return findings;
}
