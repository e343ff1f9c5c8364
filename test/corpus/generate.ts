// The systematic half of the event corpus, built from the valid fixtures in events/: every required field
// missing, every field of every wrong JSON type, strings far over any AWS limit, and events that are not
// objects at all. The 2 MB detail lives here too, so no 2 MB file is committed.
import { eventFixture } from '../engine/fakes';
import type { CorpusCase } from './support';

type Event = ReturnType<typeof eventFixture>;

export const LIFECYCLE_FIXTURE = 'lifecycle-launch-windows';
export const COMMAND_STATUS_FIXTURE = 'command-status-success';

/** The envelope fields gmsa-ready reads (version, id, account, region, resources are never read: test/corpus/accepted/). */
const ENVELOPE = ['detail-type', 'source', 'time', 'detail'];
const LIFECYCLE_DETAIL = [
  'LifecycleActionToken',
  'AutoScalingGroupName',
  'LifecycleHookName',
  'EC2InstanceId',
  'LifecycleTransition',
];
const COMMAND_STATUS_DETAIL = ['command-id', 'instance-id', 'document-name', 'status'];
/** Optional lifecycle fields gmsa-ready reads: absent is fine, the wrong type is not (NotificationMetadata is never read). */
const LIFECYCLE_OPTIONAL = ['Origin', 'Destination', 'Action'];

const WRONG_TYPES: [string, unknown][] = [
  ['a number', 42],
  ['an array', ['i-0a1b2c3d4e5f60718']],
  ['null', null],
  ['an object', { value: 'i-0a1b2c3d4e5f60718' }],
  ['a boolean', true],
];

function mutated(fixture: string, name: string, why: string, fields: string[], change: (e: Event) => void) {
  const event = eventFixture(fixture);
  change(event);
  return { name, why, fields, input: event };
}

function fieldCases(fixture: string, required: string[], optional: string[] = []): CorpusCase[] {
  const cases: CorpusCase[] = [];
  for (const field of ENVELOPE)
    cases.push(mutated(fixture, `no ${field}`, `the envelope lacks ${field}`, [field], (e) => delete e[field]));
  for (const field of required)
    cases.push(
      mutated(fixture, `no detail.${field}`, `the detail lacks ${field}`, [`detail.${field}`], (e) => {
        delete e.detail[field];
      }),
    );
  for (const field of [...required, ...optional])
    for (const [label, value] of WRONG_TYPES)
      cases.push(
        mutated(fixture, `detail.${field} is ${label}`, `${field} of the wrong type`, [`detail.${field}`], (e) => {
          e.detail[field] = value;
        }),
      );
  for (const [label, value] of WRONG_TYPES) {
    // An object of the wrong shape is still an object: then each required field is missing.
    const fields =
      typeof value === 'object' && value !== null && !Array.isArray(value)
        ? required.map((f) => `detail.${f}`)
        : ['detail'];
    cases.push(
      mutated(fixture, `detail is ${label}`, 'a detail that is not the detail', fields, (e) => {
        e.detail = value as Event['detail'];
      }),
    );
  }
  return cases;
}

const HUGE = 100 * 1024;

export function lifecycleCases(): CorpusCase[] {
  const huge = (field: string) =>
    mutated(LIFECYCLE_FIXTURE, `100 KB detail.${field}`, `a ${HUGE}-character ${field}`, [`detail.${field}`], (e) => {
      e.detail[field] = 'a'.repeat(HUGE);
    });
  return [
    ...fieldCases(LIFECYCLE_FIXTURE, LIFECYCLE_DETAIL, LIFECYCLE_OPTIONAL),
    huge('AutoScalingGroupName'),
    huge('EC2InstanceId'),
    huge('LifecycleHookName'),
  ];
}

export function commandStatusCases(): CorpusCase[] {
  return [
    ...fieldCases(COMMAND_STATUS_FIXTURE, COMMAND_STATUS_DETAIL),
    mutated(COMMAND_STATUS_FIXTURE, '100 KB detail.status', 'a huge status', ['detail.status'], (e) => {
      e.detail.status = 'S'.repeat(HUGE);
    }),
  ];
}

/** Events that are not JSON objects: the whole event is the bad field. */
export const NOT_OBJECTS: [string, unknown][] = [
  ['null', null],
  ['undefined', undefined],
  ['a string', '{"source":"aws.autoscaling"}'],
  ['a number', 42],
  ['an empty array', []],
  ['an array holding a valid event', [eventFixture(LIFECYCLE_FIXTURE)]],
];

/** A valid event whose detail is padded to about `bytes` (EventBridge caps events at 256 KB). */
export function paddedEvent(fixture: string, bytes: number): Event {
  const event = eventFixture(fixture);
  event.detail.padding = 'x'.repeat(bytes);
  return event;
}

/** Arrays nested `depth` deep: small on the wire, deep enough to overflow a naive recursive walk. */
export function deeplyNested(fixture: string, depth: number): Event {
  const event = eventFixture(fixture);
  let nest: unknown = [];
  for (let i = 0; i < depth; i++) nest = [nest];
  event.detail.nest = nest;
  return event;
}
