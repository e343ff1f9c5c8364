// The stage's resources the doctor looks at, by the names serverless.yml gives them (service-stage-...).
import { DOCTOR_PROBE_DOCUMENT } from '../infra/names';

export interface DoctorNames {
  /** EventBridge rules are listed by this prefix (the reconciler's schedule rule gets a generated suffix). */
  rulePrefix: string;
  /** Rules that must be among them (serverless.yml's LifecycleEventsRule and CommandStatusEventsRule). */
  expectedRules: string[];
  table: string;
  queues: { name: string; deadLetter: boolean }[];
  /** ssm/doctor-probe.yml as deployed (serverless.yml's DoctorProbeDocument). */
  probeDocument: string;
}

/** serverless.yml's QueueName suffixes; the dead-letter ones are lib/infra/stage.ts's DEAD_LETTER_QUEUES. */
const QUEUES = [
  { suffix: 'wake', deadLetter: false },
  { suffix: 'directory', deadLetter: false },
  { suffix: 'wake-dlq', deadLetter: true },
  { suffix: 'directory-dlq', deadLetter: true },
  { suffix: 'events-dlq', deadLetter: true },
  { suffix: 'intake-failures', deadLetter: true },
];

export function doctorNames(stage: string, service = 'gmsa-ready'): DoctorNames {
  const prefix = `${service}-${stage}-`;
  return {
    rulePrefix: prefix,
    expectedRules: [`${prefix}lifecycle`, `${prefix}command-status`],
    table: `${prefix}hosts`,
    queues: QUEUES.map((q) => ({ name: `${prefix}${q.suffix}`, deadLetter: q.deadLetter })),
    probeDocument: `${prefix}${DOCTOR_PROBE_DOCUMENT.suffix}`,
  };
}
