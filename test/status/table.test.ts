import { describe, expect, it } from 'vitest';
import { remedyFor } from '../../lib/failures/catalogue';
import { statusRows } from '../../lib/status/rows';
import { formatHistory, formatStatusTable } from '../../lib/status/table';
import { bareRecord, fullRecord, T0 } from '../store/records';

describe('formatStatusTable', () => {
  it('aligns every column under its header, reason last', () => {
    const rows = statusRows(
      [
        bareRecord({ instanceId: 'i-0000000000000000a', step: 'join', stepStartedAt: T0 }),
        bareRecord({
          instanceId: 'i-0000000000000000b',
          fleet: 'web-frontend',
          status: 'FAILED',
          updatedAt: T0 + 252 - (2 * 3600 + 3 * 60 + 20),
          computerName: 'EC2AMAZ-XYZ',
          reason: 'verify: credential spec missing',
        }),
      ],
      T0 + 252,
    );
    expect(formatStatusTable(rows)).toBe(
      [
        'INSTANCE             FLEET         COMPUTER     STATUS     STEP  AGE    REASON',
        'i-0000000000000000a  orders        -            LAUNCHING  join  4m12s  -',
        'i-0000000000000000b  web-frontend  EC2AMAZ-XYZ  FAILED     -     2h03m  verify: credential spec missing',
      ].join('\n'),
    );
  });

  it('keeps a multi-line or escape-laden reason on its row', () => {
    const rows = statusRows([bareRecord({ status: 'FAILED', reason: 'line one\nline two \u001b[2J' })], T0);
    const lines = formatStatusTable(rows).split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/line one\\nline two \\u001b\[2J$/);
  });

  it('says so when there are no hosts', () => {
    expect(formatStatusTable([])).toBe('INSTANCE  FLEET  COMPUTER  STATUS  STEP  AGE  REASON\n(no hosts)');
  });
});

describe('formatHistory', () => {
  it('shows identity, status, lifecycle action and every history entry with ISO times', () => {
    expect(formatHistory(fullRecord())).toBe(
      [
        'instance   i-0123456789abcdef0  fleet orders  linux domain-joined',
        'status     TERMINATING  step deauthorize since 2024-12-24T00:31:40.000Z',
        'attempts   2',
        'computer   EC2AMAZ-ABC123',
        'reason     deauthorize retry: "access denied"',
        'lifecycle  terminate hook orders-terminate on orders-asg, started 2024-12-24T00:30:00.000Z, 1 heartbeat(s), CONTINUE at 2024-12-24T00:31:30.000Z',
        'history',
        '  2024-12-24T00:26:40.000Z  agent        launch event',
        '  2024-12-24T00:27:40.000Z  join         joined corp.example.com',
        '  2024-12-24T00:31:40.000Z  deauthorize',
      ].join('\n'),
    );
  });

  it('marks an open action and absent fields', () => {
    const text = formatHistory(
      bareRecord({
        lifecycle: {
          transition: 'launch',
          hookName: 'orders-launch',
          token: '11111111-2222-3333-4444-555555555555',
          autoScalingGroupName: 'orders-asg',
          startedAt: T0,
          heartbeatAt: T0,
          heartbeats: 0,
        },
      }),
    );
    expect(text).toContain('computer   -\n');
    expect(text).toContain('reason     -\n');
    expect(text).toContain(
      'lifecycle  launch hook orders-launch on orders-asg, started 2024-12-24T00:26:40.000Z, 0 heartbeat(s), open',
    );
    expect(text.endsWith('history\n  (none)')).toBe(true);
  });

  it("shows a failed launch's code, the line that showed it and the remedy after the reason (issue 15)", () => {
    const text = formatHistory(
      bareRecord({
        status: 'FAILED',
        reason: 'join: join-clock-skew: Clock skew too great',
        failure: { step: 'join', code: 'join-clock-skew', message: 'Clock skew too great\u001b[2J' },
      }),
    );
    expect(text).toContain(
      [
        'reason     join: join-clock-skew: Clock skew too great',
        'failure    join-clock-skew at join: Clock skew too great\\u001b[2J',
        `remedy     ${remedyFor('join-clock-skew')} (docs/troubleshooting.md#join-clock-skew)`,
      ].join('\n'),
    );
    expect(formatHistory(bareRecord({}))).not.toContain('failure ');
  });

  it('shows a dash when there is no lifecycle action and keeps details on one line', () => {
    const text = formatHistory(bareRecord({ history: [{ at: T0, step: 'join', detail: 'exit 1\nAccess denied' }] }));
    expect(text).toContain('lifecycle  -\n');
    expect(text).toContain('  2024-12-24T00:26:40.000Z  join  exit 1\\nAccess denied');
  });
});
