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

/** Seconds until a place `ahead` of the head is admitted, at the measured rate (else the configured one). */
export function estimateWaitSeconds(ahead: number | null, measuredRate: number | null, rate: number | null): number | null {
  if (ahead === null) return null;
  const r = measuredRate !== null && measuredRate > 0.01 ? measuredRate : rate;
  if (r === null || r <= 0) return null;
  return Math.ceil(ahead / r);
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
