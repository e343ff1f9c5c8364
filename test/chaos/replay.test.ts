// Replays after the fact (issue 7): once a chaos world is quiet, every lifecycle and Run Command status
// event the account ever sent is delivered again, as an EventBridge archive replay (`replay-name`, expired
// tokens) and as a late at-least-once redelivery. Nothing may run again: no new Run Command, no directory
// change, no lifecycle action completed, every invariant still holding.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { commandStatusEvent, lifecycleEvent } from '../../lib/sandbox/events';
import { Sandbox } from '../../lib/sandbox/sandbox';
import { loadWorldFile } from '../../lib/sandbox/world';

const CHAOS_WORLD = fileURLToPath(new URL('../../events/worlds/chaos.json', import.meta.url));

/** Every event the account delivered during the run, rebuilt; `replayName` marks them as an archive replay. */
function everyEventSent(sandbox: Sandbox, replayName?: string): { source: string; event: unknown }[] {
  const { account } = sandbox;
  const mark = (event: object) => (replayName ? { ...event, 'replay-name': replayName } : event);
  const lifecycle = [...account.instances.values()].flatMap((host) =>
    host.actions.map((action) => ({
      source: `lifecycle ${action.token}`,
      event: mark(lifecycleEvent(account.eventContext(), action, account.groupUuid(action.autoScalingGroupName))),
    })),
  );
  const status = [...account.commands.values()].flatMap((command) =>
    [...command.invocations.values()].map((invocation) => ({
      source: `status ${command.commandId}`,
      event: mark(commandStatusEvent(account.eventContext(), command, invocation.instanceId, invocation.status)),
    })),
  );
  return [...lifecycle, ...status];
}

describe('the chaos world, then every event again', () => {
  it('as an archive replay, then as a late redelivery: nothing runs again and every invariant holds', async () => {
    const sandbox = await Sandbox.create({ world: loadWorldFile(CHAOS_WORLD), seed: 1 });
    try {
      sandbox.scheduleScenario();
      await sandbox.runUntilQuiet();
      const before = await sandbox.report();
      const accepted = sandbox.account.journal.completions.filter((c) => c.accepted).length;
      for (const replayName of ['gmsa-ready-outage-replay', undefined]) {
        const events = everyEventSent(sandbox, replayName);
        expect(events.length).toBeGreaterThan(20);
        await sandbox.deliverRecorded(events);
        await sandbox.runUntilQuiet();
        const after = await sandbox.report();
        expect(after.invariants).toEqual({ held: true, violations: [] });
        expect(after.sandbox.quiet).toBe(true);
        expect(after.rejected).toEqual([]);
        expect(after.commands).toEqual(before.commands);
        expect(after.directory).toEqual(before.directory);
        expect(after.instances.map((i) => [i.instanceId, i.status, i.reason])).toEqual(
          before.instances.map((i) => [i.instanceId, i.status, i.reason]),
        );
        expect(sandbox.account.journal.completions.filter((c) => c.accepted)).toHaveLength(accepted);
      }
    } finally {
      await sandbox.stop();
    }
  }, 60_000);
});
