/**
 * Admission policy, pure: the rate adapts to booking's measured load (multiplicative decrease when p95 latency or
 * the share of 5xx/429 answers crosses its threshold, additive increase back to the configured rate while both
 * are well below), saturation is sustained overload, and the waits' estimate and the poll interval follow.
 */

export interface BookingLoad {
  /** p95 latency of booking's API requests over the last sample window, ms; null without enough requests. */
  p95Ms: number | null;
  /** Share (0..1) of 5xx and 429 answers over the window; null without enough requests. */
  errorShare: number | null;
  requests: number;
}

export interface LoadThresholds {
  p95Ms: number;
  errorShare: number;
}

export type LoadVerdict = 'overloaded' | 'room' | 'steady' | 'unknown';

/** overloaded: above a threshold; room: both below half of theirs; steady: in between. */
export function judgeLoad(load: BookingLoad | null, t: LoadThresholds): LoadVerdict {
  if (!load || load.p95Ms === null || load.errorShare === null) return 'unknown';
  if (load.p95Ms > t.p95Ms || load.errorShare > t.errorShare) return 'overloaded';
  if (load.p95Ms < t.p95Ms / 2 && load.errorShare < t.errorShare / 2) return 'room';
  return 'steady';
}

/** The rate's factor of the configured rate (0.1..1): halved when overloaded, +0.1 when there is room. */
export function adaptFactor(factor: number, verdict: LoadVerdict): number {
  if (verdict === 'overloaded') return Math.max(0.1, factor / 2);
  if (verdict === 'room') return Math.min(1, factor + 0.1);
  return factor;
}

/** Saturation with hysteresis: on after `onAfter` overloaded samples in a row, off after `offAfter` calm ones. */
export interface SaturationState {
  saturated: boolean;
  overloadedRun: number;
  calmRun: number;
}

export function nextSaturation(s: SaturationState, verdict: LoadVerdict, onAfter: number, offAfter: number): SaturationState {
  if (verdict === 'overloaded') {
    const run = s.overloadedRun + 1;
    return { saturated: s.saturated || run >= onAfter, overloadedRun: run, calmRun: 0 };
  }
  if (verdict === 'unknown') return { ...s, overloadedRun: 0 };
  const calm = s.calmRun + 1;
  return { saturated: s.saturated && calm < offAfter, overloadedRun: 0, calmRun: calm };
}

/** What the waits' estimate knows of a room, as of its last tick (domain of room-tick.lua's stored figures). */
export interface RoomFlow {
  /** Admissions per second now (the configured rate times the load factor); null before the first tick. */
  rate: number | null;
  /** The active-shopper cap and the slots of it free; null before the first tick. */
  capacity: number | null;
  free: number | null;
  /** Departures per active shopper per second: measured from the first one on, before that the configured guess. */
  turnover: number | null;
  /** A pass ends by its expiry at the latest: a full room frees at least capacity / this per second. */
  passTtlSeconds: number;
}

/**
 * Seconds until a place with `ahead` people before it is admitted. The free slots of the active-shopper cap take
 * people at the admission rate; once they are taken, the room admits only as shoppers leave (they buy, leave or
 * their pass expires): capacity x turnover per second, never faster than the admission rate and never slower than
 * every pass expiring. Dividing everyone by the rate measured while the room filled up promised the back of a
 * full room 20 s at the trial's median when it waited 44 s.
 */
export function estimateWaitSeconds(ahead: number | null, flow: RoomFlow): number | null {
  const { rate, capacity, free, turnover } = flow;
  if (ahead === null || rate === null || !(rate > 0)) return null;
  if (capacity === null || free === null || turnover === null || ahead < free) return Math.ceil(ahead / rate);
  const leaving = Math.min(rate, Math.max(capacity * turnover, capacity / flow.passTtlSeconds));
  // The free slots go to the first `free` places; this one then needs `ahead + 1 - free` departures.
  return Math.ceil(free / rate + (ahead + 1 - free) / leaving);
}

/**
 * When to check in again: often near the head (so an admission is seen quickly), rarely far back, and always
 * well inside the grace period (a third of it) so one lost poll never costs a place.
 */
export function pollAfterSeconds(estimatedWaitSeconds: number | null, graceSeconds: number): number {
  const most = Math.max(1, Math.floor(graceSeconds / 3));
  if (estimatedWaitSeconds === null) return Math.min(5, most);
  return Math.max(1, Math.min(most, Math.ceil(estimatedWaitSeconds / 4)));
}
