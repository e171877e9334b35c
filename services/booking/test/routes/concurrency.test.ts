/**
 * The sales-opening rush, truly concurrent (every request in flight at once): one winner per seat-leg,
 * losers answered 409 from Redis, no 5xx, the per-user limit held, PostgreSQL and Redis in agreement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { allSeatIds, makeInventory } from '../helpers/fixtures.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { pgOverlaps, redisOverlaps, seatsPerUser } from '../helpers/checks.js';
import { auditTrip } from '../../src/use-cases/audit-trip.js';
import { tripDataKeys } from '../../src/redis/seat-inventory.js';

const hot = makeInventory(11);
// The seed catalogue: 5 trains x 5 coaches x 55 seats = 1,375 seats for the day.
const rushTrips = [21, 22, 23, 24, 25].map((id) => makeInventory(id));
const flush = makeInventory(13);
const limits = makeInventory(14);
let h: Harness;

beforeAll(async () => {
  h = await startHarness([hot, ...rushTrips, flush, limits], { poolMax: 10 });
});
afterAll(() => h?.close());

function statuses(responses: LightMyRequestResponse[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of responses) out[r.statusCode] = (out[r.statusCode] ?? 0) + 1;
  return out;
}

async function tokens(prefix: string, n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => h.token(`${prefix}-${i}`)));
}

function select(token: string, body: Record<string, unknown>): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method: 'POST',
    url: '/api/bookings/seats/select',
    headers: { authorization: `Bearer ${token}` },
    payload: body,
  });
}

/** Deterministic pseudo-random numbers so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function randomSelect(r: () => number, tripId: number, seatIds: number[], stops: string[]): Record<string, unknown> {
  const count = 1 + Math.floor(r() * 4);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(seatIds[Math.floor(r() * seatIds.length)]!);
  const from = Math.floor(r() * (stops.length - 1));
  const to = from + 1 + Math.floor(r() * (stops.length - 1 - from));
  return { tripId, seatIds: [...chosen], from: stops[from], to: stops[to] };
}

describe('concurrent selects', () => {
  it('1,000 concurrent selects of one seat: exactly 1 winner, 999 x 409, no 5xx', async () => {
    const seatId = hot.coaches[2]!.seats[7]!.seatId;
    const all = await tokens('hot', 1000);
    const responses = await Promise.all(all.map((t) => select(t, { tripId: 11, seatIds: [seatId] })));
    expect(statuses(responses)).toEqual({ 201: 1, 409: 999 });
    expect(responses.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'SEAT_UNAVAILABLE')).toBe(true);
    const { rows } = await h.pool.query(`SELECT count(*)::int AS n FROM bookings WHERE trip_id = 11`);
    expect(rows[0].n).toBe(1);
  });

  it('a rush of 5,000 selects from 2,000 users over the 1,375 seed seats never double-sells a seat-leg', async () => {
    const seatsByTrip = new Map(rushTrips.map((t) => [t.tripId, allSeatIds(t)]));
    expect([...seatsByTrip.values()].flat()).toHaveLength(1375);
    const stops = rushTrips[0]!.stops.map((s) => s.code);
    const users = await tokens('rush', 2000);
    const r = rng(42);
    const requests = Array.from({ length: 5000 }, (_, i) => {
      const tripId = rushTrips[Math.floor(r() * rushTrips.length)]!.tripId;
      return {
        token: users[i % 2000]!,
        user: `rush-${i % 2000}`,
        body: randomSelect(r, tripId, seatsByTrip.get(tripId)!, stops),
      };
    });
    const responses = await Promise.all(requests.map((q) => select(q.token, q.body)));
    const counts = statuses(responses);
    expect(responses.filter((res) => res.statusCode >= 500).map((res) => res.body)).toEqual([]);
    expect(counts[201]! + counts[409]!).toBe(5000);
    expect(counts[201]).toBeGreaterThan(500);

    const winners = responses.flatMap((res, i) => (res.statusCode === 201 ? [{ res: res.json(), user: requests[i]!.user }] : []));
    const { rows } = await h.pool.query<{ id: string; user_id: string; seat_ids: number[] }>(
      `SELECT b.id, b.user_id, array_agg(s.seat_id ORDER BY s.seat_id) AS seat_ids FROM bookings b JOIN booking_seats s ON s.booking_id = b.id
        WHERE b.trip_id BETWEEN 21 AND 25 AND s.active GROUP BY b.id`,
    );
    expect(rows).toHaveLength(winners.length);
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const w of winners) {
      const row = byId.get(w.res.bookingId)!;
      expect(row.user_id).toBe(w.user);
      expect(row.seat_ids).toEqual(w.res.seats.map((s: { seatId: number }) => s.seatId).sort((a: number, b: number) => a - b));
    }
    for (const { tripId } of rushTrips) {
      expect(await pgOverlaps(h.pool, tripId)).toBe(0);
      expect(await redisOverlaps(h.deps.seats, tripId)).toBe(0);
      const perUser = await seatsPerUser(h.pool, tripId);
      expect(Math.max(...perUser.values())).toBeLessThanOrEqual(4);
      expect(await auditTrip(h.deps, tripId)).toEqual([]);
    }
  });

  it('Redis losing the trip mid-run: rebuilt from PostgreSQL, no double-sell at any moment', async () => {
    const seatIds = allSeatIds(flush).slice(0, 300);
    const stops = flush.stops.map((s) => s.code);
    const users = await tokens('flush', 2000);
    const r = rng(7);
    const bodies = Array.from({ length: 2000 }, () => randomSelect(r, 13, seatIds, stops));
    // a first wave, then the keys vanish while the second wave is in flight
    const first = await Promise.all(bodies.slice(0, 500).map((b, i) => select(users[i]!, b)));
    const generationBefore = await h.redis.get(h.deps.seats.keys(13).loaded);
    let done = 0;
    let deleted: Promise<number> | undefined;
    const second = await Promise.all(
      bodies.slice(500, 1500).map((b, i) =>
        select(users[500 + i]!, b).then((res) => {
          // the keys vanish once a third of the second wave has been answered, the rest still in flight
          if (++done === 300) deleted = h.redis.del(...tripDataKeys(h.deps.seats.keys(13)));
          return res;
        }),
      ),
    );
    expect(await deleted).toBe(5);
    // and a third wave that finds the trip gone and must wait for the rebuild
    const third = await Promise.all(bodies.slice(1500).map((b, i) => select(users[1500 + i]!, b)));
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

  it('one user firing many selects at once never exceeds 4 seats', async () => {
    const seats = allSeatIds(limits);
    const token = await h.token('greedy');
    const single = await Promise.all(Array.from({ length: 20 }, (_, i) => select(token, { tripId: 14, seatIds: [seats[i]!] })));
    expect(statuses(single)).toEqual({ 201: 4, 409: 16 });
    expect(single.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'LIMIT_EXCEEDED')).toBe(true);

    const token2 = await h.token('greedy-pairs');
    const pairs = await Promise.all(
      Array.from({ length: 10 }, (_, i) => select(token2, { tripId: 14, seatIds: [seats[100 + 2 * i]!, seats[101 + 2 * i]!] })),
    );
    expect(statuses(pairs)).toEqual({ 201: 2, 409: 8 });
    expect((await seatsPerUser(h.pool, 14)).get('greedy-pairs')).toBe(4);
  });
});
