// Active Directory as far as gmsa-ready can see it: computer accounts and group members, looked up
// case-insensitively like sAMAccountName lookups are, displayed as first written. Sources: aws-facts 8.1
// (names) and 8.2 (the cmdlets' permissive modify); the error texts are the AD cmdlets' usual
// "Cannot find an object with identity" message, not taken from a captured run.

export interface DirectorySnapshot {
  groups: Record<string, string[]>;
  computers: string[];
}

const key = (name: string) => name.toUpperCase();

export class Directory {
  private readonly computers = new Map<string, string>();
  private readonly groups = new Map<string, { name: string; members: Map<string, string> }>();

  constructor(
    /** The Directory Service id; undefined for a self-managed directory. */
    readonly id: string | undefined,
    readonly name: string,
    initial: { groups: Record<string, string[]>; computers: string[] },
  ) {
    for (const computer of initial.computers) this.addComputer(computer);
    for (const [group, members] of Object.entries(initial.groups)) {
      this.ensureGroup(group);
      for (const member of members) this.groups.get(key(group))?.members.set(key(member), member);
    }
  }

  ensureGroup(group: string): void {
    if (!this.groups.has(key(group))) this.groups.set(key(group), { name: group, members: new Map() });
  }

  hasComputer(account: string): boolean {
    return this.computers.has(key(account));
  }

  addComputer(account: string): void {
    this.computers.set(key(account), account);
  }

  /** Deleting an object removes it from every group: AD keeps membership as links to the object. No source in aws-facts. */
  removeComputer(account: string): void {
    this.computers.delete(key(account));
    for (const group of this.groups.values()) group.members.delete(key(account));
  }

  isMember(group: string, account: string): boolean {
    return this.groups.get(key(group))?.members.has(key(account)) ?? false;
  }

  /** Add-ADGroupMember: permissive, so adding a member twice is silently fine. Returns an error message or undefined. */
  addMember(group: string, account: string): string | undefined {
    const target = this.groups.get(key(group));
    if (!target) return `Cannot find an object with identity: '${group}' under: '${this.name}'.`;
    if (!this.hasComputer(account)) return `Cannot find an object with identity: '${account}' under: '${this.name}'.`;
    target.members.set(key(account), account);
    return undefined;
  }

  /** Remove-ADGroupMember -Confirm:$false: removing a non-member is silently fine. */
  removeMember(group: string, account: string): string | undefined {
    const target = this.groups.get(key(group));
    if (!target) return `Cannot find an object with identity: '${group}' under: '${this.name}'.`;
    target.members.delete(key(account));
    return undefined;
  }

  members(group: string): string[] {
    return [...(this.groups.get(key(group))?.members.values() ?? [])];
  }

  snapshot(): DirectorySnapshot {
    const groups: Record<string, string[]> = {};
    for (const group of this.groups.values()) groups[group.name] = [...group.members.values()].sort();
    return { groups, computers: [...this.computers.values()].sort() };
  }
}
