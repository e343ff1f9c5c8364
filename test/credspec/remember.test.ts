import { describe, expect, it } from 'vitest';
import { REMEMBER_SECONDS, rememberChecks } from '../../lib/credspec/remember';
import type { CredSpecCheck, Effect } from '../../lib/workflow/types';

type InspectEffect = Extract<Effect, { type: 'inspect' }>;

const SPEC = 'arn:aws:ssm:us-east-1:123456789012:parameter/gmsa/orders';

function inspect(instanceId: string, credentialSpecs = [SPEC]): InspectEffect {
  return {
    type: 'inspect',
    cluster: 'prod-ecs-win',
    instanceId,
    credentialSpecs,
    directoryName: 'corp.example.com',
    platform: 'windows',
    mode: 'domain-joined',
    discover: false,
  };
}

const clean: CredSpecCheck[] = [{ source: SPEC, valid: true, findings: [] }];
const broken: CredSpecCheck[] = [
  { source: SPEC, valid: false, findings: [{ severity: 'error', code: 'throttled', path: '$', message: 'later' }] },
];

/** A checker that counts its runs and answers what `answer` holds at the time. */
function counting(answer: { value: CredSpecCheck[] }) {
  const runs: string[] = [];
  const check = async (effect: InspectEffect) => {
    runs.push(effect.instanceId);
    return answer.value;
  };
  return { runs, check };
}

describe('rememberChecks', () => {
  it("shares one clean check among a fleet's hosts, also while it runs, for REMEMBER_SECONDS", async () => {
    let at = 1000;
    const { runs, check } = counting({ value: clean });
    const remembered = rememberChecks(check, () => at);
    const together = await Promise.all([
      remembered(inspect('i-0aaaaaaaaaaaaaaa1')),
      remembered(inspect('i-0aaaaaaaaaaaaaaa2')),
    ]);
    expect(together).toEqual([clean, clean]);
    at += REMEMBER_SECONDS - 1;
    await remembered(inspect('i-0aaaaaaaaaaaaaaa3'));
    expect(runs).toEqual(['i-0aaaaaaaaaaaaaaa1']);
    at += 1;
    await remembered(inspect('i-0aaaaaaaaaaaaaaa4'));
    expect(runs).toEqual(['i-0aaaaaaaaaaaaaaa1', 'i-0aaaaaaaaaaaaaaa4']);
  });

  it('checks other specs on their own', async () => {
    const { runs, check } = counting({ value: clean });
    const remembered = rememberChecks(check, () => 1000);
    await remembered(inspect('i-0aaaaaaaaaaaaaaa1'));
    await remembered(inspect('i-0aaaaaaaaaaaaaaa2', [`${SPEC}-2`]));
    expect(runs).toEqual(['i-0aaaaaaaaaaaaaaa1', 'i-0aaaaaaaaaaaaaaa2']);
  });

  it('keeps no check with an error, nor one that threw: the next host reads again and sees a fix', async () => {
    const answer = { value: broken };
    const { runs, check } = counting(answer);
    const remembered = rememberChecks(check, () => 1000);
    expect(await remembered(inspect('i-0aaaaaaaaaaaaaaa1'))).toEqual(broken);
    answer.value = clean;
    expect(await remembered(inspect('i-0aaaaaaaaaaaaaaa2'))).toEqual(clean);
    expect(runs).toHaveLength(2);

    let fail = true;
    const throwing = rememberChecks(
      async () => {
        if (fail) throw new Error('boom');
        return clean;
      },
      () => 1000,
    );
    await expect(throwing(inspect('i-0aaaaaaaaaaaaaaa1'))).rejects.toThrow('boom');
    fail = false;
    expect(await throwing(inspect('i-0aaaaaaaaaaaaaaa2'))).toEqual(clean);
  });
});
