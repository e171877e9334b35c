/**
 * A train's stops on a given day: the route's stops in the train's direction with real arrival and
 * departure instants, and the segment (leg range) between two of them.
 */
import { dhakaInstant, formatDhaka } from './dhaka-time.js';

export type Direction = 'DOWN' | 'UP';

export interface RouteStop {
  code: string;
  name: string;
  distanceKm: number;
  /** Minutes after the origin departure; null at the route's first stop. */
  arrivalOffsetMin: number | null;
  /** Null at the route's last stop. */
  departureOffsetMin: number | null;
}

/** A stop as the train meets it: distance from the train's origin and minute offsets from its departure. */
export interface TrainStop {
  code: string;
  name: string;
  distanceKm: number;
  arrivalOffsetMin: number | null;
  departureOffsetMin: number | null;
}

export interface TimedStop {
  code: string;
  name: string;
  distanceKm: number;
  arrival: string | null;
  departure: string | null;
}

/**
 * The route as a train in `direction` runs it. UP mirrors the route: distances are measured from the
 * other end and running times are the same legs in reverse (arrival and departure swap roles).
 */
export function trainStops(route: readonly RouteStop[], direction: Direction): TrainStop[] {
  if (route.length < 2) throw new RangeError('a route needs at least two stops');
  if (direction === 'DOWN') return route.map((s) => ({ ...s }));
  const last = route[route.length - 1]!;
  const totalKm = last.distanceKm;
  const totalMin = last.arrivalOffsetMin ?? 0;
  return [...route].reverse().map((s) => ({
    code: s.code,
    name: s.name,
    distanceKm: totalKm - s.distanceKm,
    arrivalOffsetMin: s.departureOffsetMin === null ? null : totalMin - s.departureOffsetMin,
    departureOffsetMin: s.arrivalOffsetMin === null ? null : totalMin - s.arrivalOffsetMin,
  }));
}

/** Stops with instants, for a train leaving its origin at `departureTime` (Dhaka) on `serviceDate`. */
export function timedStops(stops: readonly TrainStop[], serviceDate: string, departureTime: string): TimedStop[] {
  const at = (offset: number | null) => (offset === null ? null : formatDhaka(dhakaInstant(serviceDate, departureTime, offset)));
  return stops.map((s) => ({
    code: s.code,
    name: s.name,
    distanceKm: s.distanceKm,
    arrival: at(s.arrivalOffsetMin),
    departure: at(s.departureOffsetMin),
  }));
}

export interface Segment {
  fromIndex: number;
  toIndex: number;
}

/** The segment from `fromCode` to `toCode`, or null unless the train stops at both, `from` first. */
export function segmentOf(stops: readonly { code: string }[], fromCode: string, toCode: string): Segment | null {
  const fromIndex = stops.findIndex((s) => s.code === fromCode);
  const toIndex = stops.findIndex((s) => s.code === toCode);
  if (fromIndex < 0 || toIndex < 0 || fromIndex >= toIndex) return null;
  return { fromIndex, toIndex };
}

/** Kilometres travelled between two stops. */
export function segmentDistance(stops: readonly { distanceKm: number }[], segment: Segment): number {
  return Math.abs(stops[segment.toIndex]!.distanceKm - stops[segment.fromIndex]!.distanceKm);
}
