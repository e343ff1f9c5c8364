// The doctor's probe port: the read-only questions the doctor asks an account. Two implementations answer
// them, lib/doctor/aws-probe.ts (the operator's credentials, Describe/List/Get calls and the read-only
// probe document) and lib/doctor/sandbox-probe.ts (a sandbox world's simulated account). Deciding what to
// ask is gather.ts; judging the answers is checks.ts.
import type { GroupFact, ManagedNodeFact, Read } from './facts';

/** ssm/doctor-probe.yml's parameters, each within its allowedPattern (gather.ts builds them). */
export interface ProbeParameters {
  GroupName: string;
  DomainName: string;
  /** Comma-separated gMSA sAMAccountNames without the $, or `-` for none. */
  GmsaNames: string;
}

export interface Probe {
  /** Each group, with its lifecycle hooks when it exists. */
  groups(names: string[]): Promise<Read<GroupFact[]>>;
  /** An AWS Directory Service directory's Stage, undefined when it does not exist. */
  directoryStage(directoryId: string): Promise<Read<string | undefined>>;
  /** How SSM lists a managed node, undefined when it does not. */
  managedNode(instanceId: string): Promise<Read<ManagedNodeFact | undefined>>;
  /** Runs the probe document on the management host and returns its standard output once it ended. */
  runProbe(instanceId: string, parameters: ProbeParameters): Promise<Read<string>>;
  /** A credential spec's text (SSM parameter or S3 object ARN). */
  credentialSpec(arn: string): Promise<Read<string>>;
  /** Whether a Secrets Manager secret exists (DescribeSecret: never its value). */
  secretExists(arn: string): Promise<Read<boolean>>;
  /** The EventBridge rules whose names start with the prefix, with their State. */
  rules(prefix: string): Promise<Read<{ name: string; state: string }[]>>;
  /** A DynamoDB table's TableStatus, undefined when it does not exist. */
  tableStatus(name: string): Promise<Read<string | undefined>>;
  /** An SQS queue's ApproximateNumberOfMessages, undefined when the queue does not exist. */
  queueMessages(name: string): Promise<Read<number | undefined>>;
}
