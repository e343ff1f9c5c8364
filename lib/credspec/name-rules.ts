// Shapes of the names in a spec that Windows and AD resolve: the domain's NetBIOS name and each gMSA's account
// name. A look-alike (Cyrillic а, fullwidth ａ) names a different account, or none, so only ASCII passes.
import type { CredSpecFinding } from '../workflow/types';
import { error, show, warning } from './findings';

const TICKET = 'tasks using it fail to start with "Cannot get gMSA krb ticket"';

/** The first character outside printable ASCII, as U+XXXX, or undefined. */
function firstNonAscii(name: string): string | undefined {
  const c = /[^\x20-\x7e]/u.exec(name)?.[0];
  return c === undefined ? undefined : `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

const nonAsciiFinding = (code: string, path: string, what: string, name: string, at: string): CredSpecFinding =>
  error(
    code,
    path,
    `${what} ${show(name)} contains ${at}, not a plain ASCII letter, digit or hyphen: a look-alike names a different account (or none), so ${TICKET}.`,
  );

// "Naming conventions in Active Directory for computers, domains, sites, and OUs" (Microsoft, KB 909264,
// learn.microsoft.com/troubleshoot/windows-server/active-directory/naming-conventions-for-computer-domain-site-ou):
// a NetBIOS domain name is 1-15 characters, none of \ / : * ? " < > |, and doesn't start with a period;
// periods and & are accepted for old domains only ("don't use").
const NETBIOS_MAX = 15;
const NETBIOS_DISALLOWED = ['\\', '/', ':', '*', '?', '"', '<', '>', '|'];

export function netbiosNameFindings(name: string, path: string): CredSpecFinding[] {
  const nonAscii = firstNonAscii(name);
  if (nonAscii) return [nonAsciiFinding('netbios-name-shape', path, 'NetBiosName', name, nonAscii)];
  const bad = NETBIOS_DISALLOWED.filter((c) => name.includes(c));
  if (name.length > NETBIOS_MAX || bad.length > 0 || name.startsWith('.') || name.trim() !== name) {
    return [
      error(
        'netbios-name-shape',
        path,
        `NetBiosName ${show(name)} is not a NetBIOS domain name (1-${NETBIOS_MAX} characters, none of \\ / : * ? " < > |, not starting with a period or a space): Windows cannot map the account's NetBIOS scope and ${TICKET}.`,
      ),
    ];
  }
  if (name.includes('.') || name.includes('&')) {
    return [
      warning(
        'netbios-name-legacy',
        path,
        `NetBiosName ${show(name)} contains a period or &, which Microsoft supports only for old domains: check it is the domain's NetBIOS name.`,
      ),
    ];
  }
  return [];
}

// SAM-Account-Name (learn.microsoft.com/windows/win32/adschema/a-samaccountname): at most 20 characters and none
// of " / \ [ ] : ; | = , + * ? < >. A gMSA's sAMAccountName is its Name plus $, so the Name has at most 19.
// All but " = , are also in credentials-fetcher's list, which domain-rules.ts reports as gmsa-name-chars.
const SAM_MAX = 20;
const SAM_ONLY_DISALLOWED = ['"', '=', ','];

/** `bare` is the Name without a trailing $ (reported apart). */
export function gmsaNameShapeFindings(name: string, bare: string, path: string): CredSpecFinding[] {
  const nonAscii = firstNonAscii(name);
  if (nonAscii) return [nonAsciiFinding('gmsa-name-shape', path, 'The gMSA Name', name, nonAscii)];
  const findings: CredSpecFinding[] = [];
  if (bare.length + 1 > SAM_MAX) {
    findings.push(
      error(
        'gmsa-name-shape',
        path,
        `The gMSA Name ${show(name)} has ${bare.length} characters; an account name (sAMAccountName, with its $) has at most ${SAM_MAX}, so no gMSA has this name and ${TICKET}.`,
      ),
    );
  }
  const bad = SAM_ONLY_DISALLOWED.filter((c) => bare.includes(c));
  if (bad.length > 0) {
    findings.push(
      error(
        'gmsa-name-shape',
        path,
        `The gMSA Name ${show(name)} contains ${bad.map((c) => JSON.stringify(c)).join(', ')}: AD account names cannot contain " / \\ [ ] : ; | = , + * ? < >, so no gMSA has this name and ${TICKET}.`,
      ),
    );
  }
  return findings;
}
