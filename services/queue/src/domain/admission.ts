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

/** FNV-1a over a string: a stable, evenly spread 32-bit number per user (it only spreads load). */
function spreadHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * The pre-queue's first check-ins after the opening are spread over one-second slots, as many as `preQueued`
 * places take at `perSecond` (at most `most`, the longest poll interval); this is how many seconds after the draw
 * the last slot begins, and admission with it (sale-open.lua stores when). So a place that obeys its
 * pollAfterSeconds never learns its number later than within a second of the first admission, as before the
 * spread: the draw alone still decides the order. Up to `perSecond` places: 0 (one slot, no delay).
 */
export function openingSpreadSeconds(preQueued: number, most: number, perSecond: number): number {
  return Math.max(0, Math.min(most, Math.ceil(preQueued / perSecond)) - 1);
}

/**
 * A pre-queue place's next check-in. Capped at the time left to the opening alone, every place of the pre-queue
 * checked in within the same second after it (2,000 at once in the trial: more than the gateway lets through to
 * the queue at a time, so 429s). So each place comes back a whole number of seconds into the opening's spread,
 * taken from its user id.
 */
export function preQueuePollSeconds(
  untilOpeningSeconds: number,
  preQueued: number,
  userId: string,
  most: number,
  perSecond: number,
): number {
  const spread = openingSpreadSeconds(preQueued, most, perSecond);
  const offset = spread > 0 ? spreadHash(userId) % (spread + 1) : 0;
  return Math.max(1, Math.min(most, untilOpeningSeconds + offset));
}
