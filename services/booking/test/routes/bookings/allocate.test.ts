/**
 * POST /api/bookings/seats/select without seat ids ("pick for me") over HTTP against the real PostgreSQL and
 * Redis: the seats chosen, groups kept together, NOT_ENOUGH_SEATS with seatsLeft, the per-user limit, bad
 * input, and a rush of parallel requests that never double-sells (checked in booking_db) and keeps every pair
 * side by side.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInventory } from '../../helpers/fixtures.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { pgOverlaps, redisOverlaps } from '../../helpers/checks.js';
import { select, statuses, tokens } from '../../helpers/rush.js';

// Trip 31: one SHOVAN coach KA of 40 seats (10 rows of 4) and one S_CHAIR coach KHA; trip 32: 8 SHOVAN seats.
const trip = makeInventory(31, { coaches: 2, seatsPerCoach: 40 });
const small = makeInventory(32, { coaches: 1, seatsPerCoach: 8 });
const rush = makeInventory(33, { coaches: 1, seatsPerCoach: 40 });
const apart = makeInventory(34, { coaches: 1, seatsPerCoach: 8 });
let h: Harness;

beforeAll(async () => {
  h = await startHarness([trip, small, rush, apart], { poolMax: 6 });
});
afterAll(() => h?.close());

async function allocate(userId: string, body: Record<string, unknown>) {
  return h.app.inject({ method: 'POST', url: '/api/bookings/seats/select', headers: await h.auth(userId), payload: body });
}
const rowOf = (inv: typeof trip, seatId: number) => inv.coaches.flatMap((c) => c.seats).find((s) => s.seatId === seatId)!.row;

describe('POST /api/bookings/seats/select with class and count', () => {
  it('chooses seats side by side, holds them like a select by ids and names them in the 201', async () => {
    const res = await allocate('a-1', { tripId: 31, class: 'SHOVAN', count: 2 });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ status: 'HELD', tripId: 31, from: 'DHK', to: 'CTG', amount: 2 * 4 * 100 });
    expect(body.seats.map((s: { label: string }) => s.label)).toEqual(['KA-1', 'KA-2']);
    const { rows } = await h.pool.query(`SELECT status FROM bookings WHERE id = $1`, [body.bookingId]);
    expect(rows).toEqual([{ status: 'HELD' }]);
    const held = await h.pool.query(`SELECT 1 FROM outbox WHERE type = 'booking.held' AND envelope->'data'->>'bookingId' = $1`, [
      body.bookingId,
    ]);
    expect(held.rowCount).toBe(1);
  });

  it('honours coach, preference and segment', async () => {
    const res = await allocate('a-2', {
      tripId: 31,
      class: 'S_CHAIR',
      count: 1,
      preference: 'window',
      coach: 'KHA',
      from: 'BHB',
      to: 'AKH',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ from: 'BHB', to: 'AKH', seats: [{ coach: 'KHA', class: 'S_CHAIR', label: 'KHA-1' }] });
  });

  it('answers 409 NOT_ENOUGH_SEATS with seatsLeft when fewer are free, and holds none', async () => {
    expect((await allocate('s-1', { tripId: 32, class: 'SHOVAN', count: 4 })).statusCode).toBe(201);
    expect((await allocate('s-2', { tripId: 32, class: 'SHOVAN', count: 3 })).statusCode).toBe(201);
    const res = await allocate('s-3', { tripId: 32, class: 'SHOVAN', count: 2 });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'NOT_ENOUGH_SEATS', seatsLeft: 1 });
    const { rows } = await h.pool.query(`SELECT count(*)::int AS n FROM bookings WHERE user_id = 's-3'`);
    expect(rows[0].n).toBe(0);
    // The one seat left is offered back to the client: asking for it works.
    expect((await allocate('s-3', { tripId: 32, class: 'SHOVAN', count: 1 })).statusCode).toBe(201);
  });

  it('answers 409 SEATS_NOT_TOGETHER with seatsLeft when together is required and no row allows', async () => {
    const ids = apart.coaches[0]!.seats.map((s) => s.seatId);
    // One free seat left in each row: seats 1 and 5.
    expect((await allocate('t-1', { tripId: 34, seatIds: ids.slice(1, 4) })).statusCode).toBe(201);
    expect((await allocate('t-2', { tripId: 34, seatIds: ids.slice(5, 8) })).statusCode).toBe(201);
    const res = await allocate('t-3', { tripId: 34, class: 'SHOVAN', count: 2, together: true });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'SEATS_NOT_TOGETHER', seatsLeft: 2 });
    const fallback = await allocate('t-3', { tripId: 34, class: 'SHOVAN', count: 2 });
    expect(fallback.statusCode).toBe(201);
    expect(fallback.json().seats.map((s: { seatId: number }) => s.seatId)).toEqual([ids[0], ids[4]]);
  });

  it('counts the per-user limit across both forms of select', async () => {
    expect((await allocate('l-1', { tripId: 31, seatIds: [trip.coaches[0]!.seats[39]!.seatId] })).statusCode).toBe(201);
    const res = await allocate('l-1', { tripId: 31, class: 'SHOVAN', count: 4 });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'LIMIT_EXCEEDED', alreadyHeld: 1 });
  });

  it('refuses bad input with 400 naming the field, and an unauthenticated call with 401', async () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ tripId: 31, class: 'SHOVAN', count: 5 }, 'VALIDATION_FAILED'],
      [{ tripId: 31, class: 'SHOVAN', count: 0 }, 'VALIDATION_FAILED'],
      [{ tripId: 31, class: 'FIRST', count: 1 }, 'VALIDATION_FAILED'],
      [{ tripId: 31, class: 'SHOVAN', count: 1, preference: 'middle' }, 'VALIDATION_FAILED'],
      [{ tripId: 31, class: 'AC_S', count: 1 }, 'CLASS_NOT_ON_TRIP'],
      [{ tripId: 31, class: 'SHOVAN', count: 1, coach: 'KHA' }, 'COACH_NOT_ON_TRIP'],
      [{ tripId: 31, class: 'SHOVAN', count: 1, from: 'CTG', to: 'DHK' }, 'WRONG_DIRECTION'],
    ];
    for (const [body, code] of bad) {
      const res = await allocate('bad', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().code, JSON.stringify(body)).toBe(code);
    }
    const anon = await h.app.inject({
      method: 'POST',
      url: '/api/bookings/seats/select',
      payload: { tripId: 31, class: 'SHOVAN', count: 1 },
    });
    expect(anon.statusCode).toBe(401);
  });

  it('a rush of 60 parallel pair requests for 20 pairs: exactly 20 win, none double-sold, every pair side by side', async () => {
    const all = await tokens(h, 'rush', 60);
    const responses = await Promise.all(all.map((t) => select(h, t, { tripId: 33, class: 'SHOVAN', count: 2 })));
    expect(statuses(responses)).toEqual({ 201: 20, 409: 40 });
    for (const r of responses.filter((x) => x.statusCode === 409))
      expect(r.json()).toMatchObject({ code: 'NOT_ENOUGH_SEATS', seatsLeft: 0 });
    expect(await pgOverlaps(h.pool, 33)).toBe(0);
    expect(await redisOverlaps(h.deps.seats, 33)).toBe(0);
    const { rows } = await h.pool.query<{ seats: number[] }>(
      `SELECT array_agg(s.seat_id ORDER BY s.seat_id) AS seats FROM bookings b JOIN booking_seats s ON s.booking_id = b.id
        WHERE b.trip_id = 33 AND s.active GROUP BY b.id`,
    );
    expect(rows).toHaveLength(20);
    expect(new Set(rows.flatMap((r) => r.seats)).size).toBe(40);
    for (const { seats } of rows) {
      expect(rowOf(rush, seats[0]!)).toBe(rowOf(rush, seats[1]!));
      expect(seats[1]! - seats[0]!).toBe(1);
    }
  });

  it('the OpenAPI document shows both forms of the body', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/bookings/openapi.json' });
    expect(res.statusCode).toBe(200);
    const body = res.json().paths['/api/bookings/seats/select'].post.requestBody.content['application/json'].schema;
    expect(body.then.required).toContain('seatIds');
    expect(body.else.required).toEqual(expect.arrayContaining(['tripId', 'class', 'count']));
    expect(Object.keys(res.json().paths)).toEqual(
      expect.arrayContaining(['/api/bookings/waitlist', '/api/bookings/waitlist/{id}']),
    );
  });
});
