/**
 * selectSeats, the hot path, against the real stores: the sales-opening rush truly concurrent (every request
 * in flight at once: one winner per seat-leg, losers answered 409 from Redis, no 5xx, the per-user limit
 * held, PostgreSQL and Redis in agreement), an overdue hold making room for the next traveller, and clear
 * 503s when the train service or Redis is down.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allSeatIds, makeInventory, seatPicker } from '../helpers/fixtures.js';
import { events, sleep, user } from '../helpers/flows.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { pgOverlaps, redisOverlaps, seatsPerUser } from '../helpers/checks.js';
import { randomSelect, rng, select, statuses, tokens } from '../helpers/rush.js';
import { auditTrip } from '../../src/use-cases/audit-trip.js';
import { confirmSeats } from '../../src/use-cases/confirm-seats.js';
import { selectSeats } from '../../src/use-cases/select-seats.js';

const hot = makeInventory(11);
// The seed catalogue: 5 trains x 5 coaches x 55 seats = 1,375 seats for the day.
const rushTrips = [21, 22, 23, 24, 25].map((id) => makeInventory(id));
const limits = makeInventory(14);
const expiring = makeInventory(15);
const trip = makeInventory(1);
const seat = seatPicker(expiring);
let h: Harness;

beforeAll(async () => {
  h = await startHarness([hot, ...rushTrips, limits, expiring, trip], { poolMax: 10 });
});
afterAll(() => h?.close());

describe('concurrent selects', () => {
  it('1,000 concurrent selects of one seat: exactly 1 winner, 999 x 409, no 5xx', async () => {
    const seatId = hot.coaches[2]!.seats[7]!.seatId;
    const all = await tokens(h, 'hot', 1000);
    const responses = await Promise.all(all.map((t) => select(h, t, { tripId: 11, seatIds: [seatId] })));
    expect(statuses(responses)).toEqual({ 201: 1, 409: 999 });
    expect(responses.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'SEAT_UNAVAILABLE')).toBe(true);
    const { rows } = await h.pool.query(`SELECT count(*)::int AS n FROM bookings WHERE trip_id = 11`);
    expect(rows[0].n).toBe(1);
  });

  it('a rush of 5,000 selects from 2,000 users over the 1,375 seed seats never double-sells a seat-leg', async () => {
    const seatsByTrip = new Map(rushTrips.map((t) => [t.tripId, allSeatIds(t)]));
    expect([...seatsByTrip.values()].flat()).toHaveLength(1375);
    const stops = rushTrips[0]!.stops.map((s) => s.code);
    const users = await tokens(h, 'rush', 2000);
    const r = rng(42);
    const requests = Array.from({ length: 5000 }, (_, i) => {
      const tripId = rushTrips[Math.floor(r() * rushTrips.length)]!.tripId;
      return {
        token: users[i % 2000]!,
        user: `rush-${i % 2000}`,
        body: randomSelect(r, tripId, seatsByTrip.get(tripId)!, stops),
      };
    });
    const responses = await Promise.all(requests.map((q) => select(h, q.token, q.body)));
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

  it('one user firing many selects at once never exceeds 4 seats', async () => {
    const seats = allSeatIds(limits);
    const token = await h.token('greedy');
    // 15 at once: the per-account select budget (5/s + 10 burst) lets all of them reach the seat cap.
    const single = await Promise.all(
      Array.from({ length: 15 }, (_, i) => select(h, token, { tripId: 14, seatIds: [seats[i]!] })),
    );
    expect(statuses(single)).toEqual({ 201: 4, 409: 11 });
    expect(single.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'LIMIT_EXCEEDED')).toBe(true);

    const token2 = await h.token('greedy-pairs');
    const pairs = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        select(h, token2, { tripId: 14, seatIds: [seats[100 + 2 * i]!, seats[101 + 2 * i]!] }),
      ),
    );
    expect(statuses(pairs)).toEqual({ 201: 2, 409: 8 });
    expect((await seatsPerUser(h.pool, 14)).get('greedy-pairs')).toBe(4);
  });
});

describe('an overdue hold', () => {
  it('after the hold time the seat is free for the next user and PostgreSQL accepts the new hold (the overdue one EXPIRED)', async () => {
    h.deps.settings.holdTtlSeconds = 1;
    try {
      const first = await selectSeats(h.deps, user('early'), { tripId: 15, seatIds: [seat(0)] });
      await expect(selectSeats(h.deps, user('eager'), { tripId: 15, seatIds: [seat(0)] })).rejects.toMatchObject({
        code: 'SEAT_UNAVAILABLE',
      });
      await sleep(1100);
      const second = await selectSeats(h.deps, user('late'), { tripId: 15, seatIds: [seat(0)] });
      const { rows } = await h.pool.query(`SELECT id, status FROM bookings WHERE id = ANY($1::uuid[]) ORDER BY created_at`, [
        [first.bookingId, second.bookingId],
      ]);
      expect(rows).toEqual([
        { id: first.bookingId, status: 'EXPIRED' },
        { id: second.bookingId, status: 'HELD' },
      ]);
      expect(await events(h.pool, 'booking.expired', first.bookingId)).toHaveLength(1);
      // the expired holder can no longer go on
      await expect(
        confirmSeats(h.deps, user('early'), { bookingId: first.bookingId, passengers: [{ name: 'x' }] }),
      ).rejects.toMatchObject({ status: 409 });
    } finally {
      h.deps.settings.holdTtlSeconds = 300;
    }
  });
});

describe('train service down', () => {
  it('answers 503 (not 500) when the train service is down and the trip is not cached', async () => {
    const original = h.deps.inventories;
    const { createInventoryClient } = await import('../../src/inventory/inventory-client.js');
    h.deps.inventories = createInventoryClient({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 500 });
    try {
      await expect(
        selectSeats(h.deps, { id: 'down' }, { tripId: 1, seatIds: [trip.coaches[1]!.seats[15]!.seatId] }),
      ).rejects.toMatchObject({
        status: 503,
      });
    } finally {
      h.deps.inventories = original;
    }
  });
});

describe('Redis down', () => {
  it('answers 503 INVENTORY_UNAVAILABLE, not 500, when Redis cannot be reached', async () => {
    const { createRedis } = await import('@rail/redis');
    const { SeatInventory } = await import('../../src/redis/seat-inventory.js');
    // A client pointed at a closed port, without an offline queue: exactly what a dead Redis looks like.
    const dead = createRedis('redis://127.0.0.1:1', { name: 'dead', offlineQueue: false, extra: { retryStrategy: () => null } });
    try {
      const deps = { ...h.deps, seats: new SeatInventory(dead, h.prefix) };
      await expect(
        selectSeats(deps, { id: 'redis-down' }, { tripId: 1, seatIds: [trip.coaches[1]!.seats[25]!.seatId] }),
      ).rejects.toMatchObject({
        status: 503,
        code: 'INVENTORY_UNAVAILABLE',
        retryAfter: 1,
      });
      const { rows } = await h.pool.query(`SELECT count(*)::int AS n FROM bookings WHERE user_id = 'redis-down'`);
      expect(rows[0].n).toBe(0);
    } finally {
      dead.disconnect();
    }
  });
});
