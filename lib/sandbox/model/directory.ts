// Active Directory as far as gmsa-ready can see it: computer objects with their identity (objectSID,
// objectGUID, whenCreated, DN, dNSHostName) and group members. sAMAccountName lookups are case-insensitive
// and names are displayed as first written; membership links objects, not names, as AD's member attribute
// does (it holds DNs that follow the object), so a name reused by a new object is not a member.
// Sources: MicrosoftDocs windows-powershell-docs Get-ADComputer.md (SID, ObjectGUID, DistinguishedName,
// DNSHostName), aws-facts 8.1 (sAMAccountName = NAME$) and 8.2 (the cmdlets' permissive modify; the error
// texts are the usual "Cannot find an object with identity" message, not a captured run); a domain SID is S-1-5-21 and three sub-authorities,
// each account's SID that plus a RID the domain never hands out twice (MS "Security identifiers").

export interface DirectorySnapshot {
  groups: Record<string, string[]>;
  computers: string[];
}

export interface Computer {
  /** sAMAccountName, NAME$. */
  name: string;
  objectSid: string;
  objectGuid: string;
  /** Epoch seconds. */
  whenCreated: number;
  distinguishedName: string;
  dNSHostName: string | null;
}

const key = (name: string) => name.toUpperCase();

/** The model's domain SID: fixed, so runs are reproducible. */
export const DOMAIN_SID = 'S-1-5-21-1004336348-1177238915-682003330';
/** The first RID the model hands out (AD starts user and computer RIDs above 1000). */
const FIRST_RID = 1100;

export class Directory {
  private readonly computers = new Map<string, Computer>();
  private readonly sids = new Map<string, Computer>();
  private readonly groups = new Map<string, { name: string; members: Set<string> }>();
  /** gMSAs by name: the groups in their PrincipalsAllowedToRetrieveManagedPassword (names as written). */
  private readonly gmsas = new Map<string, { name: string; allowed: Set<string> }>();
  /** Whether the domain has a KDS root key, which gMSA passwords derive from (aws-facts 8.3). */
  kdsRootKey = true;
  private nextRid = FIRST_RID;

  constructor(
    /** The Directory Service id; undefined for a self-managed directory. */
    readonly id: string | undefined,
    readonly name: string,
    initial: { groups: Record<string, string[]>; computers: string[] },
    /** When the world's pre-existing computers were created (long before any launch). */
    existingSince = 0,
  ) {
    const old = { whenCreated: existingSince, container: 'CN=Computers' };
    for (const computer of initial.computers) this.addComputer(computer, old);
    for (const [group, members] of Object.entries(initial.groups)) {
      this.ensureGroup(group);
      for (const member of members) {
        const object = this.computer(member) ?? this.addComputer(member, old);
        this.groups.get(key(group))?.members.add(object.objectSid);
      }
    }
  }

  /** The domain's DN: DC=corp,DC=example,DC=com. */
  get domainDn(): string {
    return this.name
      .split('.')
      .map((label) => `DC=${label}`)
      .join(',');
  }

  ensureGroup(group: string): void {
    if (!this.groups.has(key(group))) this.groups.set(key(group), { name: group, members: new Set() });
  }

  hasComputer(account: string): boolean {
    return this.computers.has(key(account));
  }

  /** The object that holds this sAMAccountName now. */
  computer(account: string): Computer | undefined {
    return this.computers.get(key(account));
  }

  bySid(objectSid: string): Computer | undefined {
    return this.sids.get(objectSid);
  }

  /** Creates a computer object with a fresh SID and GUID; `container` is the OU the join named, or CN=Computers. */
  addComputer(
    account: string,
    details: { whenCreated: number; container?: string; dNSHostName?: string | null } = { whenCreated: 0 },
  ): Computer {
    const rid = this.nextRid++;
    const netbios = account.replace(/\$$/, '');
    const container = details.container ?? 'CN=Computers';
    const computer: Computer = {
      name: account,
      objectSid: `${DOMAIN_SID}-${rid}`,
      objectGuid: `6f9619ff-8b86-4011-b42d-${rid.toString(16).padStart(12, '0')}`,
      whenCreated: details.whenCreated,
      distinguishedName: `CN=${netbios},${container.endsWith(this.domainDn) ? container : `${container},${this.domainDn}`}`,
      dNSHostName: details.dNSHostName === undefined ? `${netbios}.${this.name}`.toLowerCase() : details.dNSHostName,
    };
    this.computers.set(key(account), computer);
    this.sids.set(computer.objectSid, computer);
    return computer;
  }

  /** Deletes the object that holds this name now (and its memberships). */
  removeComputer(account: string): void {
    const computer = this.computer(account);
    if (computer) this.removeBySid(computer.objectSid);
  }

  /** Deletes the object with this SID, whatever name it has (Remove-ADObject by GUID). */
  removeBySid(objectSid: string): void {
    const computer = this.sids.get(objectSid);
    if (!computer) return;
    this.sids.delete(objectSid);
    if (this.computers.get(key(computer.name)) === computer) this.computers.delete(key(computer.name));
    for (const group of this.groups.values()) group.members.delete(objectSid);
  }

  groupExists(group: string): boolean {
    return this.groups.has(key(group));
  }

  /** Whether the object that holds this name now is a member. */
  isMember(group: string, account: string): boolean {
    const computer = this.computer(account);
    return !!computer && (this.groups.get(key(group))?.members.has(computer.objectSid) ?? false);
  }

  isMemberSid(group: string, objectSid: string): boolean {
    return this.groups.get(key(group))?.members.has(objectSid) ?? false;
  }

  /** Add-ADGroupMember: permissive, so adding a member twice is silently fine. Returns an error message or undefined. */
  addMember(group: string, objectSid: string): string | undefined {
    const target = this.groups.get(key(group));
    if (!target) return `Cannot find an object with identity: '${group}' under: '${this.name}'.`;
    if (!this.sids.has(objectSid)) return `Cannot find an object with identity: '${objectSid}' under: '${this.name}'.`;
    target.members.add(objectSid);
    return undefined;
  }

  /** Remove-ADGroupMember -Confirm:$false: removing a non-member is silently fine. */
  removeMember(group: string, objectSid: string): string | undefined {
    const target = this.groups.get(key(group));
    if (!target) return `Cannot find an object with identity: '${group}' under: '${this.name}'.`;
    target.members.delete(objectSid);
    return undefined;
  }

  /** Member objects of a group. */
  memberObjects(group: string): Computer[] {
    return [...(this.groups.get(key(group))?.members ?? [])].flatMap((sid) => this.sids.get(sid) ?? []);
  }

  members(group: string): string[] {
    return this.memberObjects(group).map((computer) => computer.name);
  }

  /** A gMSA (created once) whose password these groups may retrieve, added to those already allowed. */
  addGmsa(name: string, allowed: string[]): void {
    const gmsa = this.gmsas.get(key(name)) ?? { name, allowed: new Set<string>() };
    for (const group of allowed) gmsa.allowed.add(key(group));
    this.gmsas.set(key(name), gmsa);
  }

  /** Get-ADServiceAccount NAME -Properties PrincipalsAllowedToRetrieveManagedPassword: undefined when no such gMSA. */
  gmsaAllows(name: string, group: string): boolean | undefined {
    return this.gmsas.get(key(name))?.allowed.has(key(group));
  }

  snapshot(): DirectorySnapshot {
    const groups: Record<string, string[]> = {};
    for (const group of this.groups.values()) groups[group.name] = this.members(group.name).sort();
    return { groups, computers: [...this.computers.values()].map((c) => c.name).sort() };
  }
}
