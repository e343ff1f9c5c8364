// Group changes and host records for the directory tests, shaped as the orders fleet of config/example.yml.
import type { GroupChange, HostRecord } from '../../lib/workflow/types';
import { bareRecord } from '../store/records';
import { identityOf } from '../support/identities';

export const MGMT = 'i-0123456789abcdef0';

/** Host n's instance id: i-0 followed by 16 hex digits ending in n. */
export function hostId(n: number): string {
  return `i-0${n.toString(16).padStart(16, '0')}`;
}

export function change(n: number, overrides: Partial<GroupChange> = {}): GroupChange {
  return {
    instanceId: hostId(n),
    fleet: 'orders',
    managementInstanceId: MGMT,
    domainName: 'corp.example.com',
    hostGroup: 'OrdersApiHosts',
    computerAccount: `EC2AMAZ-H${n}$`,
    objectSid: sidOf(n),
    action: 'add',
    deleteComputerAccount: false,
    purpose: 'authorize',
    ...overrides,
  };
}

/** Host n's account's objectSID (RID 1000 + n). */
export const sidOf = (n: number) => identityOf(`EC2AMAZ-H${n}`, 1000 + n).objectSid;

/** Host n waiting for its authorize command to be sent (the state enqueueGroupChange leaves it in). */
export function waitingHost(n: number, overrides: Partial<HostRecord> = {}): HostRecord {
  return bareRecord({
    instanceId: hostId(n),
    fleet: 'orders',
    platform: 'windows',
    autoScalingGroupName: 'prod-ecs-win-orders',
    step: 'authorize',
    computerName: `EC2AMAZ-H${n}`,
    identity: identityOf(`EC2AMAZ-H${n}`, 1000 + n),
    joined: true,
    inGroup: true,
    pending: { purpose: 'authorize', targetInstanceId: MGMT, requestedAt: 1_772_442_847, attempt: 1 },
    ...overrides,
  });
}
