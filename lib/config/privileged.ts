// Well-known privileged AD groups: a fleet's hostGroup must never be one of them, because gmsa-ready adds
// every host of the fleet to its hostGroup (issue 13). Microsoft, "Appendix B: Privileged Accounts and Groups
// in Active Directory" and "Active Directory security groups". The management host's GroupChange also refuses
// at run time any group with adminCount 1 (AdminSDHolder), which covers protected groups this list misses.

export const PRIVILEGED_GROUPS: readonly string[] = [
  'Domain Admins',
  'Enterprise Admins',
  'Schema Admins',
  'Administrators',
  'Account Operators',
  'Server Operators',
  'Backup Operators',
  'Print Operators',
  'Domain Controllers',
  'Read-only Domain Controllers',
  'Group Policy Creator Owners',
  'Cert Publishers',
  'Key Admins',
  'Enterprise Key Admins',
  'DnsAdmins',
];

const LOWER = new Set(PRIVILEGED_GROUPS.map((group) => group.toLowerCase()));

/** The privileged group's canonical name when `group` names one (sAMAccountNames compare case-insensitively). */
export function privilegedGroup(group: string): string | undefined {
  if (!LOWER.has(group.toLowerCase())) return undefined;
  return PRIVILEGED_GROUPS.find((name) => name.toLowerCase() === group.toLowerCase());
}
