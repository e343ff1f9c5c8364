// What the doctor's probe found, as plain data: the checks (checks.ts) judge these facts and nothing else.
// A probe (probe.ts: AWS or the sandbox) gathers them with read-only calls; gather.ts decides what to ask.

/** A lifecycle hook as DescribeLifecycleHooks lists it. */
export interface HookFact {
  name: string;
  /** autoscaling:EC2_INSTANCE_LAUNCHING or autoscaling:EC2_INSTANCE_TERMINATING. */
  transition: string;
  heartbeatTimeout: number;
}

/** An Auto Scaling group: absent, or present with its hooks. */
export type GroupFact = { name: string; exists: false } | { name: string; exists: true; hooks: HookFact[] };

/** A read that answered, or the one line saying why it could not be made. */
export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

/** DescribeInstanceInformation's view of the management host; undefined when SSM does not list it. */
export interface ManagedNodeFact {
  pingStatus: string;
  platformType: string;
}

/** One line the probe document prints: `GMSA-READY-PROBE <what> <state> [detail]` (ssm/doctor-probe.yml). */
export interface ProbeLine {
  what: 'ad-module' | 'host-group' | 'gmsa' | 'kds-root-key';
  /** For gmsa: the account's name. */
  name?: string;
  state: string;
  detail: string;
}

export interface ManagementFact {
  instanceId: string;
  /** undefined: SSM does not list the node at all. */
  node: Read<ManagedNodeFact | undefined>;
  /** The probe document's lines; absent when the host was not Online Windows (it was not sent). */
  probe?: Read<ProbeLine[]>;
}

export interface CredentialSpecFact {
  arn: string;
  /** The spec's text, or why it could not be read. */
  text: Read<string>;
}

export interface FleetFacts {
  fleet: string;
  groups: Read<GroupFact[]>;
  /** aws-managed fleets: the directory's Stage (Active, Creating, ...), or why it could not be read. */
  directory?: Read<string | undefined>;
  management?: ManagementFact;
  credentialSpecs: CredentialSpecFact[];
  /** Domainless secrets the specs name: whether each exists (DescribeSecret, never its value). */
  secrets: { arn: string; exists: Read<boolean> }[];
}

export interface StageFacts {
  /** EventBridge rules under the stage's name prefix, with their State; `expected` names those that must exist. */
  rules: Read<{ name: string; state: string }[]>;
  expectedRules: string[];
  /** DynamoDB TableStatus, undefined when the table does not exist. */
  table: { name: string; status: Read<string | undefined> };
  queues: { name: string; deadLetter: boolean; messages: Read<number | undefined> }[];
}

export interface Facts {
  stage: StageFacts;
  fleets: FleetFacts[];
}
