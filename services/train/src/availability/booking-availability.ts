/**
 * Live seat status from the booking service (POST /internal/availability): which seats are held or booked
 * on a trip segment. One batched request per search or seat map, a short timeout, answers cached for a
 * moment in Redis, and a brief pause after a failure so a down booking service is not hammered.
 * When booking fails or is slow, the last good answer per segment (kept in a bounded in-process LRU) is
 * served instead, marked stale, for up to `staleMaxMs`: seat status is advisory (the seat select decides),
 * so a recent answer beats none during a rush. An entry is null only when no usable answer exists.
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

/** A segment's status and when the booking service gave it. */
export interface SegmentAnswer extends SegmentStatus {
  /** Epoch milliseconds at which the booking service answered. */
  asOf: number;
  /** The booking service could not answer now; this is its last good answer. */
  stale: boolean;
}

export interface AvailabilitySource {
  /** One answer per query, in query order; null where nothing usable is known. */
  lookup(queries: SegmentQuery[]): Promise<(SegmentAnswer | null)[]>;
}

/** What the shared cache and the last-good store hold per segment. */
interface Known extends SegmentStatus {
  asOf: number;
}

export interface AvailabilityOptions {
  bookingUrl: string;
  timeoutMs: number;
  cacheTtlMs: number;
  /** After a failed call, answer "unknown" at once for this long instead of calling again. */
  backoffMs: number;
  /** Serve the last good answer, marked stale, while it is at most this old; 0 disables. */
  staleMaxMs: number;
  /** How many segments' last good answers to keep (least recently used go first). */
  staleCapacity?: number;
  cache: SharedCache;
  logger: Logger;
}

const MAX_BATCH = 200;
const STALE_CAPACITY = 5_000;
const keyOf = (q: SegmentQuery) => `avail:${q.tripId}:${q.from}:${q.to}`;

export function createBookingAvailability(options: AvailabilityOptions): AvailabilitySource {
  const endpoint = new URL('/internal/availability', options.bookingUrl).toString();
  let pausedUntil = 0;

  const capacity = options.staleCapacity ?? STALE_CAPACITY;
  const lastGood = new Map<string, Known>();
  const remember = (key: string, known: Known) => {
    // Re-insert so the Map's insertion order is least-recently-used first.
    lastGood.delete(key);
    lastGood.set(key, known);
    if (lastGood.size > capacity) {
      const oldest = lastGood.keys().next();
      if (!oldest.done) lastGood.delete(oldest.value);
    }
  };

  async function fetchBatch(queries: SegmentQuery[]): Promise<Known[]> {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ queries } satisfies AvailabilityQuery),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (!response.ok) throw new Error(`booking availability answered ${response.status}`);
    const body: unknown = await response.json();
    if (!Value.Check(AvailabilityResult, body)) throw new Error('booking availability answer does not match its contract');
    const asOf = Date.now();
    const byKey = new Map(body.results.map((r) => [keyOf(r), { held: r.held, booked: r.booked, asOf }]));
    return queries.map((q) => {
      const status = byKey.get(keyOf(q));
      if (!status) throw new Error(`booking availability left out trip ${q.tripId} ${q.from}-${q.to}`);
      return status;
    });
  }

  /** Fetches in flight, by key: concurrent lookups of one segment share a single call. */
  const inFlight = new Map<string, Promise<Known | null>>();

  async function fetchMissing(missing: SegmentQuery[]): Promise<Map<string, Known> | null> {
    if (Date.now() < pausedUntil) return null;
    const fetched = new Map<string, Known>();
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
      const cached = await options.cache.getMany<SegmentStatus & { asOf?: number }>(options.cacheTtlMs > 0 ? keys : []);
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
      const fresh = await Promise.all(queries.map((_, i) => cached[i] ?? inFlight.get(keys[i]!) ?? null));
      const now = Date.now();
      return fresh.map((known, i): SegmentAnswer | null => {
        const key = keys[i]!;
        if (known) {
          // Entries cached by an older build carry no timestamp; they are at most one TTL old.
          const answer = { held: known.held, booked: known.booked, asOf: known.asOf ?? now };
          remember(key, answer);
          return { ...answer, stale: false };
        }
        const last = lastGood.get(key);
        if (last && options.staleMaxMs > 0 && now - last.asOf <= options.staleMaxMs) return { ...last, stale: true };
        return null;
      });
    },
  };
}
