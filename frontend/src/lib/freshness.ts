/**
 * How old a seat map is. The train service says how long ago booking gave it the statuses
 * (`availabilityAgeMs`); a cache on the way (the gateway's micro-cache) adds the seconds it kept the answer
 * (`Age`, RFC 9111). Their sum is the map's age when it reached the browser.
 */
import type { SeatMap } from '../api/types.js';

export function ageOnArrival(map: Pick<SeatMap, 'availabilityAgeMs'>, headers: Pick<Headers, 'get'>): number {
  const age = Number(headers.get('age') ?? '');
  const cachedMs = Number.isFinite(age) && age > 0 ? age * 1000 : 0;
  return Math.max(0, map.availabilityAgeMs ?? 0) + cachedMs;
}

export type Freshness = { unit: 'now' } | { unit: 's'; n: number } | { unit: 'min'; n: number };

/** Age in ms -> what the label says: "just now" under 2 s, seconds under a minute, then whole minutes. */
export function freshness(ageMs: number): Freshness {
  const s = Math.floor(Math.max(0, ageMs) / 1000);
  if (s < 2) return { unit: 'now' };
  if (s < 60) return { unit: 's', n: s };
  return { unit: 'min', n: Math.floor(s / 60) };
}
