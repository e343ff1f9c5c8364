// The rules that decide whether a resolved computer account is the one this host's join created
// (issue 13; DESIGN "Identity comes from the directory"). A host name is a claim; the account's
// objectSID, whenCreated, DN and dNSHostName from AD are evidence. Pure: every time comes in as a value.
import type { DirectoryIdentity } from './group-output';

/**
 * How far the directory's clock may trail the lifecycle event's: 5 minutes, Kerberos's default maximum
 * tolerance for computer clock synchronization (Microsoft, "Maximum tolerance for computer clock
 * synchronization"); a DC further off could not have accepted the host's join at all.
 */
export const CLOCK_SKEW_SECONDS = 300;

/** What this host's join must have produced. */
export interface Expected {
  /** NAME$ the host reported (SSM ComputerName): a claim, not evidence. */
  computerAccount: string;
  /**
   * Epoch seconds this generation of the instance launched (its first launch action). Undefined for an adopted
   * host (adopt.ts): it predates its record, so its account's age proves nothing either way.
   */
  launchedAt: number | undefined;
  /** The FQDN SSM reported once the host was joined (lower-cased), if known. */
  hostFqdn: string | undefined;
  /** The fleet's directory.ou, when configured. */
  ou: string | undefined;
}

const iso = (epoch: number) => new Date(epoch * 1000).toISOString().replace('.000Z', 'Z');

/** An RDN path compared the way AD compares it: case-insensitively, spaces around = and , ignored. */
function rdns(dn: string): string[] {
  return dn.split(',').map((part) =>
    part
      .replace(/\s*=\s*/, '=')
      .trim()
      .toLowerCase(),
  );
}

/** True when the DN lies in the OU or below it. */
export function insideOu(dn: string, ou: string): boolean {
  const parent = rdns(dn).slice(1);
  const wanted = rdns(ou);
  return parent.length >= wanted.length && parent.slice(parent.length - wanted.length).join(',') === wanted.join(',');
}

/** Why this account is not the one the host's join created; undefined when every check passes. */
export function identityRefusal(identity: DirectoryIdentity, expected: Expected): string | undefined {
  const who = `account ${identity.sAMAccountName} (${identity.objectSid})`;
  if (identity.sAMAccountName.toUpperCase() !== expected.computerAccount.toUpperCase())
    return `${who} was returned for ${expected.computerAccount}`;
  if (expected.launchedAt !== undefined && identity.whenCreated < expected.launchedAt - CLOCK_SKEW_SECONDS)
    return `${who} was created ${iso(identity.whenCreated)}, before this instance launched (${iso(expected.launchedAt)}, ${CLOCK_SKEW_SECONDS} s skew allowed): this host's join did not create it`;
  if (expected.ou && !insideOu(identity.distinguishedName, expected.ou))
    return `${who} is ${identity.distinguishedName}, outside the fleet's OU ${expected.ou}`;
  if (!identity.dNSHostName) return `${who} has no dNSHostName, so it cannot be tied to this host`;
  if (!expected.hostFqdn || identity.dNSHostName !== expected.hostFqdn.toLowerCase())
    return `${who} has dNSHostName ${identity.dNSHostName}, not this host's joined name ${expected.hostFqdn ?? '(unknown)'}`;
  return undefined;
}

/** Another record that claims the same objectSID, as the store reports it. */
export interface Holder {
  instanceId: string;
  /** Absent when the holder's record no longer exists. */
  status?: string;
  terminatedAt?: number;
  /** The objectSID the holder's record carries now (absent while its own claim is being recorded). */
  objectSid?: string;
}

/**
 * A claim is held while its holder's record may still act on the account: live, or still cleaning it up
 * (TERMINATING, CLEANUP_PENDING), and still (or not yet) carrying this SID. A vanished holder, one that is
 * TERMINATED or a FAILED launch whose host is gone, or one that moved on to another account, left it free.
 */
export function heldByLive(holder: Holder, objectSid: string): boolean {
  const finished = holder.status === 'TERMINATED' || (holder.status === 'FAILED' && holder.terminatedAt !== undefined);
  if (holder.status === undefined || finished) return false;
  return holder.objectSid === undefined || holder.objectSid === objectSid;
}
