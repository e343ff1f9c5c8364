// Every metric gmsa-ready emits, in one place: the code emits only these, and the dashboard and alarms
// may reference only these (a test keeps the two in step). Namespace and the `service` dimension that
// Powertools adds to every metric are fixed here too.

export const METRIC_NAMESPACE = 'GmsaReady';
export const METRIC_SERVICE = 'gmsa-ready';

export const metricCatalog = {
  LaunchStarted: { unit: 'Count', dimensions: ['Fleet'] },
  LaunchReady: { unit: 'Count', dimensions: ['Fleet'] },
  LaunchFailed: { unit: 'Count', dimensions: ['Fleet'] },
  StepFailed: { unit: 'Count', dimensions: ['Fleet', 'Step'] },
  /** Seconds from the lifecycle event to CompleteLifecycleAction CONTINUE. */
  TimeToReady: { unit: 'Seconds', dimensions: ['Fleet'] },
  StepDuration: { unit: 'Seconds', dimensions: ['Fleet', 'Step'] },
  TerminationDone: { unit: 'Count', dimensions: ['Fleet'] },
  CleanupFailed: { unit: 'Count', dimensions: ['Fleet'] },
  HeartbeatSent: { unit: 'Count', dimensions: ['Fleet'] },
  /** Events no fleet owns or that failed validation; Source is the intake function. */
  EventRejected: { unit: 'Count', dimensions: ['Source'] },
  /** Reconciler gauges. */
  InFlight: { unit: 'Count', dimensions: ['Fleet', 'Step'] },
  CleanupsPending: { unit: 'Count', dimensions: ['Fleet'] },
  OldestCleanupPendingSeconds: { unit: 'Seconds', dimensions: ['Fleet'] },
  /** Hosts in flight for longer than their hook's heartbeat timeout. */
  InFlightOverdue: { unit: 'Count', dimensions: ['Fleet'] },
  /** Hosts whose launch failed and that are still running (FAILED records). */
  FailedHosts: { unit: 'Count', dimensions: ['Fleet'] },
  /** Lifecycle actions the reconciler's sweep started because their event never arrived (completed by instance id). */
  SweepStarted: { unit: 'Count', dimensions: ['Fleet'] },
  /** Members of a host group that gmsa-ready never recorded: reported, never touched. */
  UnknownGroupMembers: { unit: 'Count', dimensions: ['Fleet'] },
} as const;

export type MetricName = keyof typeof metricCatalog;
