// The per-host figures issue 16 sets ceilings on, computed from a report's calls and write units.
import { describe, expect, it } from 'vitest';
import { PER_HOST_TARGETS, perHostCheck, perHostFigures } from '../../lib/bench/format';
import type { BenchReport } from '../../lib/bench/run';

function report(awsCalls: Record<string, number>, writeUnits: number): BenchReport {
  return {
    instances: 100,
    awsCalls,
    dynamodb: { readRequestUnitsPerHost: 1, writeRequestUnitsPerHost: writeUnits },
  } as unknown as BenchReport;
}

describe('per-host figures', () => {
  it('splits DynamoDB from the other services and counts only the calls that write', () => {
    const figures = perHostFigures(
      report(
        {
          'dynamodb:Get': 30,
          'dynamodb:Put': 9.5,
          'dynamodb:Update': 1,
          'dynamodb:Query': 2,
          'ssm:SendCommand': 2.25,
          'tagging:TagResources': 1.5,
        },
        33,
      ),
    );
    expect(figures).toEqual({ nonDynamoCalls: 3.75, dynamoWrites: 10.5, writeUnits: 33 });
  });

  it('says which ceilings a run met and which it did not', () => {
    const line = perHostCheck(report({ 'dynamodb:Put': 13, 'ssm:SendCommand': 20 }, 41));
    expect(line).toBe(
      `- per host, 100 hosts: AWS calls outside DynamoDB 20 (<= ${PER_HOST_TARGETS.nonDynamoCalls}: met), DynamoDB writes 13 (<= ${PER_HOST_TARGETS.dynamoWrites}: NOT met), write units 41 (<= ${PER_HOST_TARGETS.writeUnits}: NOT met)`,
    );
  });
});
