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

/** The GroupChange resolve's lines for an account, as ssm/group-change.yml prints them. */
export function resolveOutput(identity: DirectoryIdentity): string {
  const printed = { ...identity, whenCreated: new Date(identity.whenCreated * 1000).toISOString() };
  return [
    `GMSA-READY-IDENTITY ${identity.sAMAccountName} ${JSON.stringify(printed)}`,
    `GMSA-READY-RESULT ${identity.sAMAccountName} ok`,
  ].join('\n');
}
