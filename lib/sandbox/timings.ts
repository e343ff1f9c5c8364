// Modelled durations, in virtual seconds. Rough real-world figures, not measured and with no source unless
// one is named: what matters is their order and that gmsa-ready never needs to know them.
export const timings = {
  /** EventBridge delivery of an AWS event to its target. */
  eventDelivery: 1,
  /** SSM agent registers and reports Online after boot. */
  agentOnline: 60,
  /** ECS agent registers the container instance after the SSM agent is online. */
  ecsRegister: 90,
  /** GetCommandInvocation says InvocationDoesNotExist this long after SendCommand. */
  invocationVisible: 2,
  /** Pending → InProgress. */
  commandStart: 1,
  /** AWS-JoinDirectoryServiceDomain on Windows, including the reboot. */
  joinWindows: 240,
  joinLinux: 90,
  /** How long a failing join runs before it reports Failed. */
  joinFailure: 60,
  refreshWindows: 20,
  refreshLinux: 30,
  /** A group change: PowerShell start-up plus a little per name. */
  groupChangeBase: 5,
  groupChangePerName: 0.2,
  listMembers: 4,
  /**
   * SQS batching window and batch size of the wake queue's event source mapping (serverless.yml): a batch of
   * up to 50 (one DescribeInstanceInformation call, lib/aws/ssm.ts) gathered for at most a second.
   */
  wakeBatchWindow: 1,
  wakeBatchSize: 50,
  /**
   * SQS batching window and batch size of the directory queue's event source mapping (serverless.yml). Group
   * commit does the batching (lib/directory/lane.ts); the 1 s window is Lambda's minimum for a batch size over 10.
   */
  directoryBatchWindow: 1,
  directoryBatchSize: 50,
  /** Visibility timeout before a failed SQS message is delivered again (serverless.yml deploys 360 s and 720 s). */
  sqsVisibility: 30,
  /** maxReceiveCount of the queues' redrive policies (serverless.yml). */
  sqsMaxReceives: 5,
  /** Lambda async retries of a failed EventBridge invocation: 2 more, about 1 and 2 minutes later (aws-facts 10). */
  lambdaRetryDelays: [60, 120],
  /** The reconciler's schedule, rate(1 minute) in serverless.yml. */
  reconcilerInterval: 60,
  /** From CompleteLifecycleAction to the instance being gone. */
  shutdown: 5,
} as const;
