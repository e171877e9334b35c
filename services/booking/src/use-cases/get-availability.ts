/**
 * Live seat status per trip and segment for the train service's seat maps and search counts. Answered
 * from one Redis snapshot per trip, cached in process (@rail/cache) for at most `maxAgeMs` with
 * single-flight loads, so a burst of searches costs one Redis call per trip per moment.
 */
import type { AvailabilityQuery, AvailabilityResult } from '@rail/contracts/train-internal';
import { createCache } from '@rail/cache';
import type { BookingDeps } from '../deps.js';
import { resolveSegment } from '../inventory/trip-catalog.js';
import type { TripSnapshot } from '../redis/seat-inventory.js';
import { ensureTripLoaded } from './ensure-trip-loaded.js';

export interface AvailabilityCache {
  get(deps: BookingDeps, tripId: number): Promise<TripSnapshot>;
}

export function createAvailabilityCache(maxAgeMs = 1000): AvailabilityCache {
  const snapshots = createCache<number, TripSnapshot, BookingDeps>({
    max: 10_000,
    ttlMs: maxAgeMs,
    // Its age counts from when the load started, so no answer is older than maxAgeMs.
    async load(tripId, { context: deps }) {
      let snapshot = await deps.seats.snapshot(tripId);
      if (!snapshot) {
        await ensureTripLoaded(deps, tripId);
        snapshot = await deps.seats.snapshot(tripId);
      }
      return snapshot;
    },
  });
  return {
    async get(deps, tripId) {
      const snapshot = await snapshots.get(tripId, deps);
      if (!snapshot) throw new Error(`trip ${tripId} could not be loaded`);
      return snapshot;
    },
  };
}

export async function getAvailability(
  deps: BookingDeps,
  cache: AvailabilityCache,
  query: AvailabilityQuery,
): Promise<AvailabilityResult> {
  const results = await Promise.all(
    query.queries.map(async (q, i) => {
      const catalog = await deps.inventories.get(q.tripId, `body.queries.${i}.tripId`);
      const segment = resolveSegment(catalog, q.from, q.to, { from: `body.queries.${i}.from`, to: `body.queries.${i}.to` });
      const snapshot = await cache.get(deps, q.tripId);
      const held: number[] = [];
      const booked: number[] = [];
      for (const [seatId, entries] of snapshot.seats) {
        let status: 'held' | 'booked' | null = null;
        for (const e of entries) {
          if ((e.mask & segment.mask) === 0) continue;
          if (e.state !== 'H') status = 'booked';
          else status ??= 'held';
        }
        if (status === 'held') held.push(seatId);
        else if (status === 'booked') booked.push(seatId);
      }
      held.sort((a, b) => a - b);
      booked.sort((a, b) => a - b);
      return { tripId: q.tripId, from: segment.from, to: segment.to, held, booked };
    }),
  );
  return { results };
}
