/**
 * Live seat status from the booking service (POST /internal/availability): which seats are held or booked
 * on a trip segment. One batched request per search or seat map, a short timeout, answers cached for a
 * moment in Redis, and a brief pause after a failure so a down booking service is not hammered.
 * `lookup` resolves to null when the answer is unknown; callers decide how to degrade.
 */
import { Value } from '@sinclair/typebox/value';
import { AvailabilityResult, type AvailabilityQuery } from '@rail/contracts/train-internal';
import type { Logger } from '@rail/logger';
import type { SharedCache } from '../cache/shared-cache.js';

export type SegmentQuery = AvailabilityQuery['queries'][number];

export interface SegmentStatus {
  held: number[];
  booked: number[];
}

export interface AvailabilitySource {
  /** Status per query, in query order; null when the booking service could not answer. */
  lookup(queries: SegmentQuery[]): Promise<SegmentStatus[] | null>;
}

export interface AvailabilityOptions {
  bookingUrl: string;
  timeoutMs: number;
  cacheTtlMs: number;
  /** After a failed call, answer "unknown" at once for this long instead of calling again. */
  backoffMs: number;
  cache: SharedCache;
  logger: Logger;
}

const MAX_BATCH = 200;
const keyOf = (q: SegmentQuery) => `avail:${q.tripId}:${q.from}:${q.to}`;

export function createBookingAvailability(options: AvailabilityOptions): AvailabilitySource {
  const endpoint = new URL('/internal/availability', options.bookingUrl).toString();
  let pausedUntil = 0;

  async function fetchBatch(queries: SegmentQuery[]): Promise<SegmentStatus[]> {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ queries } satisfies AvailabilityQuery),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (!response.ok) throw new Error(`booking availability answered ${response.status}`);
    const body: unknown = await response.json();
    if (!Value.Check(AvailabilityResult, body)) throw new Error('booking availability answer does not match its contract');
    const byKey = new Map(body.results.map((r) => [keyOf(r), { held: r.held, booked: r.booked }]));
    return queries.map((q) => {
      const status = byKey.get(keyOf(q));
      if (!status) throw new Error(`booking availability left out trip ${q.tripId} ${q.from}-${q.to}`);
      return status;
    });
  }

  /** Fetches in flight, by key: concurrent lookups of one segment share a single call. */
  const inFlight = new Map<string, Promise<SegmentStatus | null>>();

  async function fetchMissing(missing: SegmentQuery[]): Promise<Map<string, SegmentStatus> | null> {
    if (Date.now() < pausedUntil) return null;
    const fetched = new Map<string, SegmentStatus>();
    try {
      for (let i = 0; i < missing.length; i += MAX_BATCH) {
        const batch = missing.slice(i, i + MAX_BATCH);
        const statuses = await fetchBatch(batch);
        batch.forEach((q, j) => fetched.set(keyOf(q), statuses[j]!));
      }
    } catch (err) {
      pausedUntil = Date.now() + options.backoffMs;
      options.logger.warn({ err, endpoint }, 'booking availability unavailable');
      return null;
    }
    options.cache.setMany([...fetched], options.cacheTtlMs);
    return fetched;
  }

  return {
    async lookup(queries) {
      if (queries.length === 0) return [];
      const keys = queries.map(keyOf);
      const cached = await options.cache.getMany<SegmentStatus>(options.cacheTtlMs > 0 ? keys : []);
      const toFetch: SegmentQuery[] = [];
      for (const [i, q] of queries.entries()) {
        if (cached[i] === undefined && !inFlight.has(keys[i]!) && !toFetch.some((f) => keyOf(f) === keys[i])) toFetch.push(q);
      }
      if (toFetch.length > 0) {
        const batch = fetchMissing(toFetch);
        for (const q of toFetch) {
          const key = keyOf(q);
          const one = batch.then((found) => found?.get(key) ?? null);
          inFlight.set(key, one);
          void one.finally(() => inFlight.delete(key));
        }
      }
      const statuses = await Promise.all(queries.map((_, i) => cached[i] ?? inFlight.get(keys[i]!) ?? null));
      return statuses.every((s) => s !== null) ? statuses : null;
    },
  };
}
