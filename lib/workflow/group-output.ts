// Reads the GroupChange document's per-name lines (ssm/group-change.yml): `GMSA-READY-RESULT <NAME$>
// ok|gone|error <message>` and, for resolve, `GMSA-READY-IDENTITY <NAME$> <json>` and
// `GMSA-READY-MEMBERSHIP <NAME$> <objectSID> member|not-member`. One batched command
// serves many hosts, so each host looks only for its own lines. The identity is evidence from the
// directory, but a line can be forged by nothing less than the management host: still, every field is
// validated (zod) before it reaches a record, a reason or a terminal.
import * as z from 'zod';
import { patterns } from '../config/patterns';

export type GroupLine =
  | { kind: 'ok'; message?: string }
  /** The recorded object (by objectSID) no longer exists; whoever holds the name now was left alone. */
  | { kind: 'gone'; message: string }
  | { kind: 'error'; message: string };

/** What the directory says about a computer account: the evidence authorize, remove and delete act on. */
export interface DirectoryIdentity {
  sAMAccountName: string;
  objectSid: string;
  objectGuid: string;
  distinguishedName: string;
  /** Epoch seconds (AD's whenCreated, from the DC's clock). */
  whenCreated: number;
  /** Lower-cased; null when the account has none (pre-created accounts often have none). */
  dNSHostName: string | null;
}

const messageText = (text: string | undefined) =>
  // The message comes from the directory: keep it one printable line.
  (text ?? '')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 300)
    .trim();

export const directoryIdentitySchema = z
  .strictObject({
    sAMAccountName: z.string().regex(patterns.computerAccount, 'must be a NetBIOS name followed by $'),
    objectSid: z.string().regex(patterns.objectSid, 'must be a domain SID (S-1-5-21-...)'),
    objectGuid: z.string().regex(patterns.objectGuid, 'must be a GUID'),
    distinguishedName: z.string().regex(patterns.accountDn, 'must be a plain distinguished name (CN=,OU=,DC=)'),
    whenCreated: z.iso.datetime({ offset: true }).transform((text) => Math.floor(Date.parse(text) / 1000)),
    dNSHostName: z
      .string()
      .regex(patterns.dnsName, 'must be a DNS host name')
      .transform((name) => name.toLowerCase())
      .nullable(),
  })
  .transform((identity) => ({ ...identity, objectGuid: identity.objectGuid.toLowerCase() })) satisfies z.ZodType<
  DirectoryIdentity,
  unknown
>;

const RESULT = /^GMSA-READY-RESULT (\S+) (ok|gone|error)(?: (.*))?$/;
const MEMBERSHIP = /^GMSA-READY-MEMBERSHIP (\S+) (\S+) (member|not-member)$/;
const IDENTITY = /^GMSA-READY-IDENTITY (\S+) (.*)$/;

function* lines(output: string | undefined, prefix: RegExp, computerAccount: string): Generator<RegExpExecArray> {
  const wanted = computerAccount.toUpperCase();
  for (const line of (output ?? '').split(/\r?\n/)) {
    const match = prefix.exec(line.trim());
    if (match && match[1]?.toUpperCase() === wanted) yield match;
  }
}

export function groupResultFor(output: string | undefined, computerAccount: string): GroupLine | undefined {
  for (const match of lines(output, RESULT, computerAccount)) {
    const message = messageText(match[3]);
    if (match[2] === 'ok') return message ? { kind: 'ok', message } : { kind: 'ok' };
    return { kind: match[2] as 'gone' | 'error', message: message || 'unspecified error' };
  }
  return undefined;
}

export type IdentityLine = { ok: true; identity: DirectoryIdentity } | { ok: false; message: string };

/** The identity a resolve printed for this account, validated; undefined when it printed none. */
export function identityFor(output: string | undefined, computerAccount: string): IdentityLine | undefined {
  for (const match of lines(output, IDENTITY, computerAccount)) {
    let json: unknown;
    try {
      json = JSON.parse(match[2] ?? '');
    } catch {
      return { ok: false, message: 'the identity line is not JSON' };
    }
    const parsed = directoryIdentitySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, message: `identity ${issue?.path.join('.') || '(root)'}: ${issue?.message}` };
    }
    return { ok: true, identity: parsed.data };
  }
  return undefined;
}

/** What a resolve printed about the account's direct membership of the host group, by objectSID. */
export interface GroupMembership {
  objectSid: string;
  member: boolean;
}

/** The membership line a resolve printed for this account (`GMSA-READY-MEMBERSHIP <NAME$> <SID> member|not-member`). */
export function groupMembershipFor(output: string | undefined, computerAccount: string): GroupMembership | undefined {
  for (const match of lines(output, MEMBERSHIP, computerAccount)) {
    const objectSid = match[2] ?? '';
    if (!patterns.objectSid.test(objectSid)) return undefined;
    return { objectSid, member: match[3] === 'member' };
  }
  return undefined;
}
