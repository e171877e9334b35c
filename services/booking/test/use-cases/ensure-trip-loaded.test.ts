/**
 * ensureTripLoaded: Redis losing a trip mid-rush is rebuilt from PostgreSQL's active rows, with no
 * double-sell at any moment and every hold sold before the loss still known to Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allSeatIds, makeInventory } from '../helpers/fixtures.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { pgOverlaps, redisOverlaps } from '../helpers/checks.js';
import { randomSelect, rng, select, statuses, tokens } from '../helpers/rush.js';
import { auditTrip } from '../../src/use-cases/audit-trip.js';
import { tripDataKeys } from '../../src/redis/seat-inventory.js';

const flush = makeInventory(13);
let h: Harness;

beforeAll(async () => {
  h = await startHarness([flush], { poolMax: 10 });
});
afterAll(() => h?.close());

describe('a trip lost from Redis', () => {
  it('Redis losing the trip mid-run: rebuilt from PostgreSQL, no double-sell at any moment', async () => {
    const seatIds = allSeatIds(flush).slice(0, 300);
    const stops = flush.stops.map((s) => s.code);
    const users = await tokens(h, 'flush', 2000);
    const r = rng(7);
    const bodies = Array.from({ length: 2000 }, () => randomSelect(r, 13, seatIds, stops));
    // a first wave, then the keys vanish while the second wave is in flight
    const first = await Promise.all(bodies.slice(0, 500).map((b, i) => select(h, users[i]!, b)));
    const generationBefore = await h.redis.get(h.deps.seats.keys(13).loaded);
    let done = 0;
    let deleted: Promise<number> | undefined;
    const second = await Promise.all(
      bodies.slice(500, 1500).map((b, i) =>
        select(h, users[500 + i]!, b).then((res) => {
          // the keys vanish once a third of the second wave has been answered, the rest still in flight
          if (++done === 300) deleted = h.redis.del(...tripDataKeys(h.deps.seats.keys(13)));
          return res;
        }),
      ),
    );
    expect(await deleted).toBe(5);
    // and a third wave that finds the trip gone and must wait for the rebuild
    const third = await Promise.all(bodies.slice(1500).map((b, i) => select(h, users[1500 + i]!, b)));
    expect(await h.redis.get(h.deps.seats.keys(13).loaded)).not.toBe(generationBefore);
    const all = [...first, ...second, ...third];
    const counts = statuses(all);
    expect(Object.keys(counts).filter((s) => Number(s) >= 500)).toEqual([]);
    expect(await h.deps.seats.isLoaded(13)).toBe(true);
    expect(await pgOverlaps(h.pool, 13)).toBe(0);
    expect(await redisOverlaps(h.deps.seats, 13)).toBe(0);
    const winners = all.filter((res) => res.statusCode === 201).map((res) => res.json().bookingId as string);
    const { rows } = await h.pool.query<{ id: string }>(`SELECT id FROM bookings WHERE trip_id = 13 AND status = 'HELD'`);
    expect(new Set(rows.map((row) => row.id))).toEqual(new Set(winners));
    // every hold sold before the loss is still known to Redis, so no one else can take it
    expect(await auditTrip(h.deps, 13)).toEqual([]);
  });
});
