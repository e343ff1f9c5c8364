// Which ended commands the shell must read before the core can judge them (lib/engine/intake.ts skips the rest).
import { describe, expect, it } from 'vitest';
import { resultNeeded } from '../../lib/workflow/commands';

describe('resultNeeded', () => {
  it.each(['join', 'refresh'] as const)('a %s that succeeded is judged by its status alone', (purpose) => {
    expect(resultNeeded(purpose, 'Success')).toBe(false);
  });

  it.each(['Failed', 'TimedOut', 'Cancelled', 'DeliveryTimedOut'])(
    'a join that ended %s is read for its reason',
    (status) => {
      expect(resultNeeded('join', status)).toBe(true);
    },
  );

  it.each(['resolve', 'authorize', 'deauthorize', 'undo', 'list-members'] as const)(
    'a %s is read even when it succeeded: its output is the answer',
    (purpose) => {
      expect(resultNeeded(purpose, 'Success')).toBe(true);
    },
  );
});
