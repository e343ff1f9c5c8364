// Names that serverless.yml, the IAM, alarm and dashboard builders and the tests must agree on.
// serverless.yml spells the same logical ids literally; the template tests check both sides match.

/**
 * Function keys in serverless.yml, with the explicit role each one runs as and the name it is deployed
 * under (service-stage-name; serverless.yml spells each `name:` the same way, a template test checks).
 */
export const FUNCTIONS = {
  lifecycle: { role: 'LifecycleRole', name: 'lifecycle', description: 'Auto Scaling lifecycle events (EventBridge)' },
  commandStatus: {
    role: 'CommandStatusRole',
    name: 'command-status',
    description: 'Run Command invocation status events (EventBridge)',
  },
  continue: { role: 'ContinueRole', name: 'continue', description: 'Delayed continuations (SQS wake queue)' },
  directory: {
    role: 'DirectoryRole',
    name: 'directory',
    description: 'Batched AD group changes (SQS directory queue)',
  },
  reconciler: { role: 'ReconcilerRole', name: 'reconciler', description: 'Scheduled reconciler' },
  statusPage: { role: 'StatusPageRole', name: 'status-page', description: 'Status page (function URL, AWS_IAM)' },
} as const;

export type FunctionKey = keyof typeof FUNCTIONS;

/** Functions that run the workflow engine (and so log workflow failures). */
export const WORKFLOW_FUNCTIONS: readonly FunctionKey[] = [
  'lifecycle',
  'commandStatus',
  'continue',
  'directory',
  'reconciler',
];

/** Logical ids of the stack's own resources. */
export const IDS = {
  table: 'HostsTable',
  wakeQueue: 'WakeQueue',
  wakeDlq: 'WakeDeadLetterQueue',
  directoryQueue: 'DirectoryQueue',
  directoryDlq: 'DirectoryDeadLetterQueue',
  /** EventBridge target DLQ: events the rules could not deliver to Lambda. */
  eventsDlq: 'EventsDeadLetterQueue',
  /** Lambda on-failure destination: async invocations that failed after their retries. */
  intakeFailures: 'IntakeFailureQueue',
  dashboard: 'Dashboard',
} as const;

/** The project's Run Command documents: logical id and the name suffix (name = service-stage-suffix). */
export const DOCUMENTS = {
  groupChange: { id: 'GroupChangeDocument', suffix: 'GroupChange' },
  listMembers: { id: 'ListMembersDocument', suffix: 'ListMembers' },
  refreshWindows: { id: 'RefreshWindowsDocument', suffix: 'RefreshWindows' },
  refreshLinux: { id: 'RefreshLinuxDocument', suffix: 'RefreshLinux' },
  joinWindows: { id: 'JoinWindowsDocument', suffix: 'JoinWindows' },
  joinLinux: { id: 'JoinLinuxDocument', suffix: 'JoinLinux' },
} as const;

export const JOIN_DOCUMENT = 'AWS-JoinDirectoryServiceDomain';

/** `gmsa-ready doctor`'s read-only probe (ssm/doctor-probe.yml): the operator sends it; no function may. */
export const DOCTOR_PROBE_DOCUMENT = { id: 'DoctorProbeDocument', suffix: 'DoctorProbe' } as const;

export interface StageNames {
  service: string;
  stage: string;
}

export function functionName(names: StageNames, key: FunctionKey): string {
  return `${names.service}-${names.stage}-${FUNCTIONS[key].name}`;
}

export function logGroupName(names: StageNames, key: FunctionKey): string {
  return `/aws/lambda/${functionName(names, key)}`;
}

export function documentName(names: StageNames, document: keyof typeof DOCUMENTS): string {
  return `${names.service}-${names.stage}-${DOCUMENTS[document].suffix}`;
}

/** A CloudFormation logical-id fragment from a fleet name ([a-z0-9-]): payments-linux -> PaymentsLinux. */
export function logicalIdPart(name: string): string {
  return name
    .split('-')
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
