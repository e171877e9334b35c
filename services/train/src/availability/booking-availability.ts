/**
 * Live seat status from the booking service (POST /internal/availability): which seats are held or booked
 * on a trip segment. The segments one lookup misses go in one batched request (through the shared service
 * client: a short timeout, and a breaker that answers "unknown" at once for `backoffMs` after a failure so
 * a down booking service is not hammered); answers are cached for a moment in Redis, shared by replicas.
 * In process, @rail/cache makes concurrent lookups of a segment share one call and keeps the last good
 * answer per segment (bounded LRU): when booking fails or is slow it is served instead, marked stale, for
 * up to `staleMaxMs`: seat status is advisory (the seat select decides), so a recent answer beats none
 * during a rush. An entry is null only when no usable answer exists.
 */
import { AvailabilityResult, type AvailabilityQuery } from '@rail/contracts/train-internal';
import { createCache } from '@rail/cache';
import type { Logger } from '@rail/logger';
import { createServiceClient } from '@rail/service-client';
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

interface Pending {
  query: SegmentQuery;
  resolve(known: Known): void;
  reject(err: unknown): void;
}

export function createBookingAvailability(options: AvailabilityOptions): AvailabilitySource {
  const booking = createServiceClient({
    service: 'booking',
    baseUrl: options.bookingUrl,
    timeoutMs: options.timeoutMs,
    // Searches wait on this call and have a stale answer to fall back on: no retries.
    retry: false,
    breaker: options.backoffMs > 0 ? { consecutiveFailures: 1, halfOpenAfterMs: options.backoffMs } : false,
  });

  /** Segments whose loads started in this turn of the event loop, sent together. */
  let batch: Pending[] = [];

  async function send(pending: Pending[]): Promise<void> {
    const keys = pending.map((p) => keyOf(p.query));
    const shared = options.cacheTtlMs > 0 ? await options.cache.getMany<SegmentStatus & { asOf?: number }>(keys) : [];
    const missing: Pending[] = [];
    pending.forEach((p, i) => {
      const hit = shared[i];
      // Entries cached by an older build carry no timestamp; they are at most one TTL old.
      if (hit) p.resolve({ held: hit.held, booked: hit.booked, asOf: hit.asOf ?? Date.now() });
      else missing.push(p);
    });
    const fetched: [string, Known][] = [];
    try {
      for (let i = 0; i < missing.length; i += MAX_BATCH) {
        const part = missing.slice(i, i + MAX_BATCH);
        const queries = part.map((p) => p.query);
        const body = await booking.post('/internal/availability', { queries } satisfies AvailabilityQuery, AvailabilityResult, {
          idempotent: true,
        });
        const asOf = Date.now();
        const byKey = new Map(body.results.map((r) => [keyOf(r), { held: r.held, booked: r.booked, asOf }]));
        for (const p of part) {
          const known = byKey.get(keyOf(p.query));
          if (!known) throw new Error(`booking availability left out trip ${p.query.tripId} ${p.query.from}-${p.query.to}`);
          fetched.push([keyOf(p.query), known]);
        }
      }
    } catch (err) {
      options.logger.warn({ err }, 'booking availability unavailable');
      for (const p of missing) p.reject(err);
      return;
    }
    const byKey = new Map(fetched);
    for (const p of missing) p.resolve(byKey.get(keyOf(p.query))!);
    options.cache.setMany(fetched, options.cacheTtlMs);
  }

  const segments = createCache<string, Known, SegmentQuery>({
    max: options.staleCapacity ?? STALE_CAPACITY,
    // Freshness lives in Redis (shared by replicas); in process every lookup asks again.
    ttlMs: 0,
    staleIfErrorMs: options.staleMaxMs,
    load: (_key, { context: query, producedAt }) =>
      new Promise<Known>((resolve, reject) => {
        if (batch.length === 0) {
          setImmediate(() => {
            const pending = batch;
            batch = [];
            void send(pending);
          });
        }
        batch.push({ query, resolve, reject });
      }).then((known) => {
        producedAt(known.asOf);
        return known;
      }),
  });

  return {
    async lookup(queries) {
      return Promise.all(
        queries.map(async (q): Promise<SegmentAnswer | null> => {
          try {
            const { value, stale } = await segments.lookup(keyOf(q), q);
            return value ? { held: value.held, booked: value.booked, asOf: value.asOf, stale } : null;
          } catch {
            return null;
          }
        }),
      );
    },
  };
}
