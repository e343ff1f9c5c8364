import { describe, expect, it } from 'vitest';
import { MAX_NAMES } from '../../lib/directory/batch';
import {
  admit,
  emptyLane,
  flushDue,
  LANE_LEASE_SECONDS,
  type LaneEntry,
  laneKey,
  PACE_SECONDS,
  putBack,
  release,
} from '../../lib/directory/lane';
import type { Lane } from '../../lib/engine/ports';
import { change, MGMT } from './changes';

const AT = 1_772_442_900;
const KEY = laneKey({ managementInstanceId: MGMT, purpose: 'authorize' });
const entry = (n: number, claimId = `claim-${n}`): LaneEntry => ({ change: change(n), claimId });

/** A lane that sent `secondsAgo` seconds before AT and still waits for that send to end. */
function busy(secondsAgo: number, waiting: LaneEntry[] = []): Lane {
  const sentAt = AT - secondsAgo;
  return { key: KEY, version: 3, inFlight: { t0: sentAt + LANE_LEASE_SECONDS }, waiting, lastSentAt: sentAt };
}

describe('admit', () => {
  it('sends at once on a lane with nothing in flight, and holds the lane for the send', () => {
    expect(admit(emptyLane(KEY), [entry(1)], AT, 't1')).toEqual({
      kind: 'send',
      send: [entry(1)],
      lane: { key: KEY, version: 1, inFlight: { t1: AT + LANE_LEASE_SECONDS }, waiting: [], lastSentAt: AT },
    });
  });

  it('keeps arrivals on a lane whose send runs, and the first to wait asks for a flush when the pace allows', () => {
    expect(admit(busy(2), [entry(1)], AT, 't1')).toEqual({
      kind: 'wait',
      flushIn: PACE_SECONDS - 2,
      lane: { ...busy(2), version: 4, waiting: [entry(1)] },
    });
  });

  it('asks for no second flush when changes already wait', () => {
    expect(admit(busy(3, [entry(1)]), [entry(2)], AT, 't1')).toEqual({
      kind: 'wait',
      lane: { ...busy(3), version: 4, waiting: [entry(1), entry(2)] },
    });
  });

  it('sends everything waiting together once the pace allows, even with the last send still running', () => {
    const decision = admit(busy(PACE_SECONDS, [entry(1), entry(2)]), [], AT, 't1');
    expect(decision).toMatchObject({ kind: 'send', send: [entry(1), entry(2)] });
    expect(decision.kind === 'send' && decision.lane.inFlight).toEqual({
      t0: AT - PACE_SECONDS + LANE_LEASE_SECONDS,
      t1: AT + LANE_LEASE_SECONDS,
    });
  });

  it('sends a full batch at once however busy the lane is', () => {
    const full = Array.from({ length: MAX_NAMES }, (_, i) => entry(i + 1));
    expect(admit(busy(1, full.slice(1)), [full[0] as LaneEntry], AT, 't1')).toMatchObject({ kind: 'send' });
    expect(admit(busy(1, full.slice(2)), [full[0] as LaneEntry], AT, 't1')).toMatchObject({ kind: 'wait' });
  });

  it('does nothing for a flush that finds nothing due: an empty lane, or a pace not yet run', () => {
    expect(admit(emptyLane(KEY), [], AT, 't1')).toEqual({ kind: 'none' });
    expect(admit(busy(1, [entry(1)]), [], AT, 't1')).toEqual({ kind: 'none' });
  });

  it('frees a lane whose send outlived its lease (a lost status event holds nothing for ever)', () => {
    const lost = { ...busy(LANE_LEASE_SECONDS, [entry(1)]), lastSentAt: undefined };
    expect(admit(lost, [], AT, 't1')).toMatchObject({
      kind: 'send',
      send: [entry(1)],
      lane: { inFlight: { t1: AT + LANE_LEASE_SECONDS } },
    });
  });

  it('keeps one entry a host, the newer claim (a resend) replacing the older', () => {
    const decision = admit(busy(1, [entry(1, 'old'), entry(2)]), [entry(1, 'new')], AT, 't1');
    expect(decision.kind === 'wait' && decision.lane.waiting).toEqual([entry(2), entry(1, 'new')]);
  });
});

describe('release and flushDue', () => {
  it('frees the lane of the ended send; the changes waiting on it are then due', () => {
    const freed = release(busy(8, [entry(1)]), 't0');
    expect(freed).toEqual({ ...busy(8, [entry(1)]), version: 4, inFlight: {} });
    expect(flushDue(freed as Lane, AT)).toBe(true);
  });

  it('writes nothing for a send the lane no longer holds (a duplicate status event)', () => {
    expect(release(busy(8), 'gone')).toBeUndefined();
  });

  it('asks no flush while another send is in flight or nothing waits', () => {
    expect(flushDue(busy(2, [entry(1)]), AT)).toBe(false);
    expect(flushDue(emptyLane(KEY), AT)).toBe(false);
  });
});

describe('putBack', () => {
  it('puts a throttled take back ahead of later arrivals and lets its token go when nothing of it went out', () => {
    const lane = { ...busy(0, [entry(3)]), inFlight: { t1: AT + LANE_LEASE_SECONDS } };
    const back = putBack(lane, 't1', [entry(1), entry(2)], false);
    expect(back).toEqual({ ...lane, version: 4, inFlight: {}, waiting: [entry(1), entry(2), entry(3)] });
    expect(flushDue(back, AT)).toBe(true);
  });

  it('keeps the token while part of the take runs: its status event frees the lane', () => {
    const lane = busy(0);
    expect(putBack(lane, 't0', [entry(1)], true)).toEqual({ ...lane, version: 4, waiting: [entry(1)] });
  });

  it('never lets a put-back entry replace the newer claim its host made since', () => {
    const back = putBack(busy(0, [entry(1, 'new')]), 't0', [entry(1, 'old'), entry(2)], false);
    expect(back.waiting).toEqual([entry(2), entry(1, 'new')]);
  });
});
