// What SSM reports as a host's ComputerName (an FQDN once joined), read as a computer account.
import { patterns } from '../config/patterns';

export type JoinedName = { inDomain: false } | { inDomain: true; netbios: string; valid: boolean };

/** Whether the FQDN is inside the domain and, if so, its NetBIOS name (upper-cased) and whether AD can hold it. */
export function joinedName(computerName: string | undefined, domain: string): JoinedName {
  const fqdn = (computerName ?? '').toLowerCase();
  if (!fqdn.endsWith(`.${domain.toLowerCase()}`)) return { inDomain: false };
  const netbios = fqdn.split('.')[0]?.toUpperCase() ?? '';
  return { inDomain: true, netbios, valid: patterns.netbiosName.test(netbios) };
}

/**
 * Whether a host SSM reports inside the domain was really joined before gmsa-ready saw it. Windows reports
 * the domain suffix only once joined. A Linux FQDN can carry the suffix from the VPC's DHCP options without
 * any join, so there only the name the Linux join gives (`EC2AMAZ-` + 6) counts; and joining a joined Linux
 * host again would rename it (amazon-ssm-agent#349), so the test must not miss a real join either.
 */
export function joinedBefore(name: JoinedName, platform: 'windows' | 'linux'): boolean {
  if (!name.inDomain) return false;
  return platform === 'windows' || /^EC2AMAZ-[A-Z0-9]{6}$/.test(name.netbios);
}

/** A name the host reported, fit to quote in a reason: the host may be hostile, so only DNS characters survive. */
export function printable(name: string | undefined): string {
  const text = (name ?? '').slice(0, 64).replace(/[^A-Za-z0-9.-]/g, '?');
  return (name ?? '').length > 64 ? `${text}…` : text;
}
