// The sample events in events/ (used by `sls invoke local` and the docs) must stay events the intake accepts.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fleetForGroup } from '../../lib/config/load';
import { commandStatusEventSchema, lifecycleEventSchema } from '../../lib/events/schemas';
import { validateEvent } from '../../lib/events/validate';
import { exampleConfig } from '../engine/fakes';

const dir = fileURLToPath(new URL('../../events/', import.meta.url));
const fixtures = readdirSync(dir)
  .filter((name) => name.endsWith('.json'))
  .map((name) => [name, JSON.parse(readFileSync(`${dir}${name}`, 'utf8'))] as const);

describe('events/ fixtures', () => {
  it('exist for both event kinds', () => {
    expect(fixtures.some(([name]) => name.startsWith('lifecycle-'))).toBe(true);
    expect(fixtures.some(([name]) => name.startsWith('command-status-'))).toBe(true);
  });

  it.each(fixtures.filter(([name]) => name.startsWith('lifecycle-')))(
    '%s is a valid lifecycle event',
    (name, event) => {
      const parsed = validateEvent(lifecycleEventSchema, event);
      expect(parsed).toMatchObject({ ok: true });
      if (!parsed.ok) return;
      // Only the fixture made for the purpose names a group no example fleet owns.
      const fleet = fleetForGroup(exampleConfig, parsed.value.detail.AutoScalingGroupName);
      expect(fleet === undefined).toBe(name.includes('unconfigured'));
    },
  );

  it.each(fixtures.filter(([name]) => name.startsWith('command-status-')))(
    '%s is a valid command status event',
    (_, event) => {
      expect(validateEvent(commandStatusEventSchema, event)).toMatchObject({ ok: true });
    },
  );
});
