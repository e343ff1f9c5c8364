// Hostile and malformed EventBridge events through intake: each is refused with a reason that names the bad
// field, and leaves no record, no command, no effect and no trace on Object.prototype.
import { describe, expect, it, vi } from 'vitest';
import { intakeCommandStatusEvent, intakeLifecycleEvent } from '../../lib/engine/intake';
import { commandStatusEventSchema, lifecycleEventSchema } from '../../lib/events/schemas';
import { eventFixture } from '../engine/fakes';
import {
  COMMAND_STATUS_FIXTURE,
  commandStatusCases,
  deeplyNested,
  LIFECYCLE_FIXTURE,
  lifecycleCases,
  NOT_OBJECTS,
  paddedEvent,
} from './generate';
import {
  type CorpusCase,
  expectPrintableLine,
  expectPrototypeClean,
  expectRejectedCleanly,
  intakeDeps,
  namedFields,
  readCorpus,
} from './support';

const files = readCorpus('events', 'event');
const sources = {
  lifecycle: { intake: intakeLifecycleEvent, schema: lifecycleEventSchema, fixture: LIFECYCLE_FIXTURE },
  'command-status': {
    intake: intakeCommandStatusEvent,
    schema: commandStatusEventSchema,
    fixture: COMMAND_STATUS_FIXTURE,
  },
} as const;
type Source = keyof typeof sources;

const corpus: Record<Source, CorpusCase[]> = {
  lifecycle: [...files.filter((c) => c.name.startsWith('lifecycle-')), ...lifecycleCases()],
  'command-status': [...files.filter((c) => c.name.startsWith('command-status-')), ...commandStatusCases()],
};

async function rejected(source: Source, event: unknown) {
  const intake = intakeDeps();
  const result = await sources[source].intake(intake.deps, event);
  expect(result.accepted).toBe(false);
  expectRejectedCleanly(intake, source);
  expectPrintableLine(result.reason);
  expect(intake.telemetry.logs).toEqual([
    { level: 'warn', message: `event rejected: ${result.reason}`, fields: expect.any(Object) },
  ]);
  return result.reason as string;
}

describe.each(Object.keys(sources) as Source[])('%s intake', (source) => {
  it('accepts the untouched fixture the corpus is built from (the control)', async () => {
    const intake = intakeDeps();
    const result = await sources[source].intake(intake.deps, eventFixture(sources[source].fixture));
    expect(result.accepted).toBe(true);
    expect(intake.telemetry.metrics.map((m) => m.name)).not.toContain('EventRejected');
  });

  it('holds every corpus file', () => {
    expect(corpus[source].length).toBeGreaterThan(source === 'lifecycle' ? 80 : 40);
  });

  it.each(corpus[source].map((c) => [c.name, c] as const))('rejects %s, naming the field', async (_, entry) => {
    const reason = await rejected(source, entry.input);
    expect(reason).toMatch(/^invalid event: /);
    expect(namedFields(reason.replace(/^invalid event: /, ''))).toEqual(entry.fields);
  });

  it.each(NOT_OBJECTS)('rejects an event that is %s', async (_, event) => {
    const reason = await rejected(source, event);
    expect(reason).toMatch(/^invalid event: \(root\): /);
  });

  it('refuses a 2 MB detail by its size, before the schema walks it', async () => {
    const parse = vi.spyOn(sources[source].schema['~standard'], 'validate');
    try {
      const reason = await rejected(source, paddedEvent(sources[source].fixture, 2 * 1024 * 1024));
      expect(reason).toMatch(/^event is 2\d{6} bytes, over EventBridge's 262144-byte limit$/);
      expect(parse).not.toHaveBeenCalled();
      await rejected(source, { ...paddedEvent(sources[source].fixture, 0), source: 'not-aws' });
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it('refuses an event one byte past 256 KB', async () => {
    const event = paddedEvent(sources[source].fixture, 0);
    event.detail.padding = 'x'.repeat(256 * 1024 + 1 - Buffer.byteLength(JSON.stringify(event)));
    expect(Buffer.byteLength(JSON.stringify(event))).toBe(256 * 1024 + 1);
    expect(await rejected(source, event)).toMatch(/^event is 262145 bytes/);
  });

  it('survives arrays nested 100 000 deep inside a small event', async () => {
    expect(await rejected(source, deeplyNested(sources[source].fixture, 100_000))).toBe(
      'event is not serialisable JSON',
    );
  });

  it('rejects a circular object (not JSON, so not from EventBridge)', async () => {
    const event = eventFixture(sources[source].fixture);
    event.detail.self = event;
    expect(await rejected(source, event)).toBe('event is not serialisable JSON');
  });
});

describe('well-formed but not ours', () => {
  it('rejects a lifecycle event for an Auto Scaling group no fleet owns, naming the group', async () => {
    const event = eventFixture(LIFECYCLE_FIXTURE);
    event.detail.AutoScalingGroupName = 'prod-ecs-win-unowned';
    const reason = await rejected('lifecycle', event);
    expect(reason).toBe("no fleet is configured for Auto Scaling group 'prod-ecs-win-unowned'");
  });

  it('ignores a well-formed status event for a command gmsa-ready never sent, reading nothing', async () => {
    const intake = intakeDeps();
    const result = await intakeCommandStatusEvent(intake.deps, eventFixture(COMMAND_STATUS_FIXTURE));
    expect(result).toEqual({
      accepted: true,
      reason: 'command e8d3c0e4-71f7-4491-898f-c9b35bee5f3b was not sent by gmsa-ready; ignored',
    });
    expect(intake.effects).toEqual([]);
    expect(intake.store.writes).toBe(0);
  });

  it('accepts an otherwise valid event carrying __proto__ and constructor keys, without polluting anything', async () => {
    const event = JSON.parse(
      JSON.stringify(eventFixture(LIFECYCLE_FIXTURE)).replace(
        '"detail":{',
        '"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}},"detail":{"__proto__":{"polluted":1},',
      ),
    );
    expect(Object.hasOwn(event.detail, '__proto__')).toBe(true);
    const intake = intakeDeps();
    const result = await intakeLifecycleEvent(intake.deps, event);
    expect(result).toMatchObject({ accepted: true, instanceId: 'i-0a1b2c3d4e5f60718' });
    const record = await intake.store.get('i-0a1b2c3d4e5f60718');
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(JSON.stringify(record)).not.toContain('polluted');
    expectPrototypeClean();
  });
});
