import { describe, expect, it } from 'vitest';
import {
  adaptFactor,
  estimateWaitSeconds,
  judgeLoad,
  nextSaturation,
  openingSpreadSeconds,
  pollAfterSeconds,
  preQueuePollSeconds,
} from '../../src/domain/admission.js';
import { decideRoom, effectiveSettings } from '../../src/domain/room.js';

const t = { p95Ms: 300, errorShare: 0.02 };
const defaults = {
  rule: { opensDaysBefore: 10, opensAtLocal: '08:00', timeZone: 'Asia/Dhaka', roomOpensMinutesBefore: 30 },
  activeShoppers: 100,
  admissionsPerSecond: 10,
};

describe('admission policy', () => {
  it('halves the rate when booking is over a threshold and climbs back when there is room', () => {
    expect(judgeLoad({ p95Ms: 400, errorShare: 0, requests: 100 }, t)).toBe('overloaded');
    expect(judgeLoad({ p95Ms: 100, errorShare: 0.05, requests: 100 }, t)).toBe('overloaded');
    expect(judgeLoad({ p95Ms: 100, errorShare: 0.001, requests: 100 }, t)).toBe('room');
    expect(judgeLoad({ p95Ms: 200, errorShare: 0, requests: 100 }, t)).toBe('steady');
    expect(judgeLoad({ p95Ms: null, errorShare: null, requests: 3 }, t)).toBe('unknown');
    expect(adaptFactor(1, 'overloaded')).toBe(0.5);
    expect(adaptFactor(0.1, 'overloaded')).toBe(0.1);
    expect(adaptFactor(0.5, 'room')).toBeCloseTo(0.6);
    expect(adaptFactor(1, 'room')).toBe(1);
    expect(adaptFactor(0.5, 'steady')).toBe(0.5);
  });
  it('calls booking saturated after sustained overload and calm again after a calm run', () => {
    let s = { saturated: false, overloadedRun: 0, calmRun: 0 };
    for (let i = 0; i < 2; i++) s = nextSaturation(s, 'overloaded', 3, 2);
    expect(s.saturated).toBe(false);
    s = nextSaturation(s, 'overloaded', 3, 2);
    expect(s.saturated).toBe(true);
    s = nextSaturation(s, 'room', 3, 2);
    expect(s.saturated).toBe(true);
    s = nextSaturation(s, 'steady', 3, 2);
    expect(s.saturated).toBe(false);
  });
  it('polls well inside the grace period', () => {
    expect(pollAfterSeconds(1_000, 60)).toBe(20);
    expect(pollAfterSeconds(8, 60)).toBe(2);
    expect(pollAfterSeconds(0, 60)).toBe(1);
  });
});

describe("the waits' estimate", () => {
  // The trial's room: 1,000 active shoppers at most, 50 admissions a second, 10-minute passes.
  const room = { rate: 50, capacity: 1_000, passTtlSeconds: 600 };

  it('takes the free slots at the admission rate', () => {
    expect(estimateWaitSeconds(0, { ...room, free: 1_000, turnover: 1 / 120 })).toBe(0);
    expect(estimateWaitSeconds(499, { ...room, free: 1_000, turnover: 1 / 120 })).toBe(10);
    expect(estimateWaitSeconds(999, { ...room, free: 1_000, turnover: 1 / 120 })).toBe(20);
  });

  it('puts the places beyond the free slots at the rate shoppers leave a full room', () => {
    // Opening: 1,000 slots free, nobody has left yet, 2 minutes' shopping expected: a full room admits 8.3/s.
    const opening = { ...room, free: 1_000, turnover: 1 / 120 };
    expect(estimateWaitSeconds(1_000, opening)).toBe(21); // 20 s to fill the room, then the first departure
    expect(estimateWaitSeconds(1_499, opening)).toBe(80); // 20 + 500 / 8.33
    // Full room whose shoppers turn over in 50 s (the trial's): 20 a second, not the filling's 50.
    const full = { ...room, free: 0, turnover: 1 / 50 };
    expect(estimateWaitSeconds(0, full)).toBe(1);
    expect(estimateWaitSeconds(999, full)).toBe(50);
    // The same people divided by the admission rate (the old estimate) would have been told 20 s.
    expect(Math.ceil(999 / 50)).toBe(20);
  });

  it('never counts on a full room admitting faster than the rate, or slower than its passes expire', () => {
    // Everyone leaving at once (sold out: shoppers give up): still at most the admission rate.
    expect(estimateWaitSeconds(500, { ...room, free: 0, turnover: 5 })).toBe(11);
    // Nobody leaving: every pass ends within 10 minutes, so 1,000 slots come back in 600 s at the latest.
    expect(estimateWaitSeconds(499, { ...room, free: 0, turnover: 0 })).toBe(300);
  });

  it('has no estimate without a rate, and divides by the rate before the first tick stored the rest', () => {
    expect(estimateWaitSeconds(null, { ...room, free: 10, turnover: 0.01 })).toBeNull();
    expect(estimateWaitSeconds(100, { ...room, rate: null, free: 10, turnover: 0.01 })).toBeNull();
    expect(estimateWaitSeconds(100, { ...room, rate: 0, free: 10, turnover: 0.01 })).toBeNull();
    expect(estimateWaitSeconds(100, { rate: 10, capacity: null, free: null, turnover: null, passTtlSeconds: 600 })).toBe(10);
  });
});

describe("the pre-queue's check-ins at the opening", () => {
  it('spreads them over one-second slots at the configured rate, at most the longest interval', () => {
    expect(openingSpreadSeconds(0, 20, 500)).toBe(0);
    expect(openingSpreadSeconds(500, 20, 500)).toBe(0); // one slot: as before, no delay
    expect(openingSpreadSeconds(501, 20, 500)).toBe(1);
    expect(openingSpreadSeconds(2_000, 20, 500)).toBe(3); // the trial's: four slots of 500
    expect(openingSpreadSeconds(100_000, 20, 500)).toBe(19);
  });

  it('gives each place a stable second of its own, about evenly, never past the longest interval', () => {
    const perOffset = new Map<number, number>();
    for (let i = 0; i < 2_000; i++) {
      const user = `user-${i}`;
      // 3 s before the opening, told to come back 3 s + its slot's offset later.
      const poll = preQueuePollSeconds(3, 2_000, user, 20, 500);
      expect(preQueuePollSeconds(3, 2_000, user, 20, 500)).toBe(poll);
      perOffset.set(poll - 3, (perOffset.get(poll - 3) ?? 0) + 1);
    }
    expect([...perOffset.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const n of perOffset.values()) {
      expect(n).toBeGreaterThan(400);
      expect(n).toBeLessThan(600);
    }
    // Far from the opening the longest interval still bounds it (one lost poll never costs the place).
    expect(preQueuePollSeconds(1_000, 2_000, 'user-1', 20, 500)).toBe(20);
    // A small pre-queue comes back right at the opening, as before.
    expect(preQueuePollSeconds(3, 400, 'user-1', 20, 500)).toBe(3);
  });
});

describe('whether a room is active', () => {
  const date = '2026-12-10';
  const opens = Date.parse('2026-11-30T02:00:00.000Z');
  const base = { saturated: false, wasActive: false, wasReason: null, drained: false, waiting: 0, soldOut: false };
  const scheduled = effectiveSettings(date, {}, defaults);

  it('is scheduled from 30 minutes before the opening until the queue drains after it', () => {
    expect(decideRoom({ ...base, nowMs: opens - 31 * 60_000, settings: scheduled }).active).toBe(false);
    expect(decideRoom({ ...base, nowMs: opens - 30 * 60_000, settings: scheduled })).toMatchObject({
      active: true,
      reason: 'scheduled',
    });
    expect(decideRoom({ ...base, nowMs: opens + 60_000, settings: scheduled, waiting: 5 }).active).toBe(true);
    expect(decideRoom({ ...base, nowMs: opens + 60_000, settings: scheduled })).toEqual({
      active: false,
      reason: null,
      drainedNow: true,
    });
    expect(decideRoom({ ...base, nowMs: opens + 60_000, settings: scheduled, drained: true, waiting: 3 }).active).toBe(false);
  });
  it('follows the operator: on until switched off, off even at the opening', () => {
    const on = effectiveSettings(date, { 'o:mode': 'on' }, defaults);
    const off = effectiveSettings(date, { 'o:mode': 'off' }, defaults);
    expect(decideRoom({ ...base, nowMs: opens + 86_400_000, settings: on })).toMatchObject({ active: true, reason: 'operator' });
    expect(decideRoom({ ...base, nowMs: opens - 60_000, settings: off }).active).toBe(false);
    const moved = effectiveSettings(date, { opensAt: String(opens + 3_600_000), 'o:shoppers': '7', 'o:aps': '2.5' }, defaults);
    expect(moved).toMatchObject({ opensAtMs: opens + 3_600_000, activeShoppers: 7, admissionsPerSecond: 2.5 });
  });
  it('switches itself on for a date on sale while booking is saturated, and off once calm and drained', () => {
    const later = opens + 86_400_000;
    const after = { ...base, nowMs: later, settings: scheduled, drained: true };
    expect(decideRoom({ ...after, saturated: true })).toMatchObject({ active: true, reason: 'saturation' });
    expect(decideRoom({ ...after, wasActive: true, wasReason: 'saturation', waiting: 4 }).active).toBe(true);
    expect(decideRoom({ ...after, wasActive: true, wasReason: 'saturation', waiting: 0 }).active).toBe(false);
    expect(decideRoom({ ...base, nowMs: opens - 3_600_000, settings: scheduled, saturated: true }).active).toBe(false);
  });
});
