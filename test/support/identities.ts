// Directory identities for tests: the objectSID, GUID, DN, whenCreated and dNSHostName a resolve reports.
import type { DirectoryIdentity } from '../../lib/workflow/group-output';

export const DOMAIN_SID = 'S-1-5-21-3623811015-3361044348-30300820';

/** The account NAME$ as the directory would describe it; `rid` makes the SID (and GUID) unique. */
export function identityOf(name: string, rid: number, overrides: Partial<DirectoryIdentity> = {}): DirectoryIdentity {
  return {
    sAMAccountName: `${name.toUpperCase()}$`,
    objectSid: `${DOMAIN_SID}-${rid}`,
    objectGuid: `00000000-0000-4000-8000-${rid.toString(16).padStart(12, '0')}`,
    distinguishedName: `CN=${name.toUpperCase()},OU=Hosts,DC=corp,DC=example,DC=com`,
    whenCreated: 1_772_442_000,
    dNSHostName: `${name.toLowerCase()}.corp.example.com`,
    ...overrides,
  };
}

/** The ListMembers line for a member. */
export const memberLine = (identity: DirectoryIdentity) =>
  `GMSA-READY-MEMBER ${identity.sAMAccountName} ${identity.objectSid}`;

/** The GroupChange resolve's lines for an account, as ssm/group-change.yml prints them (membership: in hostGroup). */
export function resolveOutput(identity: DirectoryIdentity, member = false): string {
  const printed = { ...identity, whenCreated: new Date(identity.whenCreated * 1000).toISOString() };
  const membership = member ? 'member' : 'not-member';
  return [
    `GMSA-READY-IDENTITY ${identity.sAMAccountName} ${JSON.stringify(printed)}`,
    `GMSA-READY-MEMBERSHIP ${identity.sAMAccountName} ${identity.objectSid} ${membership}`,
    `GMSA-READY-RESULT ${identity.sAMAccountName} ok`,
  ].join('\n');
}

/** A member of a generated group: NAME$ and a SID under DOMAIN_SID. */
export const generatedMember = (i: number) => ({
  account: `HOST${String(i).padStart(5, '0')}$`,
  objectSid: `${DOMAIN_SID}-${5000 + i}`,
});

/**
 * ListMembers output for the page after `after`, as ssm/list-members.yml prints it (ordinal order, at most
 * `perPage` members, the GMSA-READY-PAGE marker last).
 */
export function listMembersPage(
  members: readonly { account: string; objectSid: string }[],
  after: string,
  perPage = 200,
): string {
  const sorted = [...members].sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0));
  const rest = sorted.filter((m) => after === '-' || m.account > after);
  const page = rest.slice(0, perPage);
  const next = rest.length > page.length ? (page.at(-1)?.account ?? 'END') : 'END';
  const lines = page.map((m) => `GMSA-READY-MEMBER ${m.account} ${m.objectSid}\r\n`).join('');
  return `${lines}GMSA-READY-PAGE ${after} ${page.length} ${members.length} ${next}\r\n`;
}
