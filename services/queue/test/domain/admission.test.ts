import { describe, expect, it } from 'vitest';
import { adaptFactor, estimateWaitSeconds, judgeLoad, nextSaturation, pollAfterSeconds } from '../../src/domain/admission.js';
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
  it('estimates the wait from the measured rate and polls well inside the grace period', () => {
    expect(estimateWaitSeconds(100, 5, 10)).toBe(20);
    expect(estimateWaitSeconds(100, null, 10)).toBe(10);
    expect(estimateWaitSeconds(null, 5, 10)).toBeNull();
    expect(pollAfterSeconds(1_000, 60)).toBe(20);
    expect(pollAfterSeconds(8, 60)).toBe(2);
    expect(pollAfterSeconds(0, 60)).toBe(1);
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
