/** POST /api/bookings/seats/select over HTTP: holds, conflicts, segments, the per-user limit, bad input, tokens, Idempotency-Key. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInventory, seatPicker } from '../../helpers/fixtures.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const trip = makeInventory(1);
const other = makeInventory(2);
const seat = seatPicker(trip);
let h: Harness;

beforeAll(async () => {
  h = await startHarness([trip, other]);
});
afterAll(() => h?.close());

async function select(userId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  return h.app.inject({
    method: 'POST',
    url: '/api/bookings/seats/select',
    headers: { ...(await h.auth(userId)), ...headers },
    payload: body,
  });
}

describe('POST /api/bookings/seats/select', () => {
  it('holds seats for the whole route and writes the booking, its seat-legs and booking.held', async () => {
    const res = await select('u-whole', { tripId: 1, seatIds: [seat(0), seat(1)] });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({ status: 'HELD', tripId: 1, from: 'DHK', to: 'CTG', currency: 'BDT' });
    expect(body.seats).toEqual([
      { seatId: seat(0), label: 'KA-1', coach: 'KA', class: 'SHOVAN' },
      { seatId: seat(1), label: 'KA-2', coach: 'KA', class: 'SHOVAN' },
    ]);
    expect(body.amount).toBe(2 * 4 * 100);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(290_000);
    const { rows } = await h.pool.query(
      `SELECT seat_id, lower(legs) AS f, upper(legs) AS t, active FROM booking_seats WHERE booking_id = $1 ORDER BY seat_id`,
      [body.bookingId],
    );
    expect(rows).toEqual([
      { seat_id: seat(0), f: 0, t: 4, active: true },
      { seat_id: seat(1), f: 0, t: 4, active: true },
    ]);
    const events = await h.pool.query(
      `SELECT envelope FROM outbox WHERE type = 'booking.held' AND envelope->'data'->>'bookingId' = $1`,
      [body.bookingId],
    );
    expect(events.rowCount).toBe(1);
  });

  it('answers 409 SEAT_UNAVAILABLE naming the taken seats, all or nothing', async () => {
    await select('u-a', { tripId: 1, seatIds: [seat(10)] });
    const res = await select('u-b', { tripId: 1, seatIds: [seat(11), seat(10)] });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'SEAT_UNAVAILABLE', seatIds: [seat(10)] });
    // seat 11 was not held by the failed request
    expect((await select('u-c', { tripId: 1, seatIds: [seat(11)] })).statusCode).toBe(201);
  });

  it('sells one seat per segment: A->B and B->C both succeed; A->C then conflicts', async () => {
    const s = seat(20);
    expect((await select('seg-1', { tripId: 1, seatIds: [s], from: 'DHK', to: 'BHB' })).statusCode).toBe(201);
    expect((await select('seg-2', { tripId: 1, seatIds: [s], from: 'BHB', to: 'AKH' })).statusCode).toBe(201);
    const conflict = await select('seg-3', { tripId: 1, seatIds: [s], from: 'DHK', to: 'AKH' });
    expect(conflict.statusCode).toBe(409);
    const t = seat(21);
    expect((await select('seg-4', { tripId: 1, seatIds: [t], from: 'DHK', to: 'AKH' })).statusCode).toBe(201);
    expect((await select('seg-5', { tripId: 1, seatIds: [t], from: 'BHB', to: 'AKH' })).statusCode).toBe(409);
    expect((await select('seg-5', { tripId: 1, seatIds: [t], from: 'AKH', to: 'CML' })).statusCode).toBe(201);
  });

  it('enforces at most 4 seats per user per trip across holds', async () => {
    expect((await select('lim', { tripId: 1, seatIds: [seat(30), seat(31), seat(32)] })).statusCode).toBe(201);
    const res = await select('lim', { tripId: 1, seatIds: [seat(33), seat(34)] });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 4, alreadyHeld: 3 });
    expect((await select('lim', { tripId: 1, seatIds: [seat(33)] })).statusCode).toBe(201);
    // the limit is per trip
    expect((await select('lim', { tripId: 2, seatIds: [other.coaches[0]!.seats[0]!.seatId] })).statusCode).toBe(201);
  });

  it.each([
    ['an unknown trip', { tripId: 999, seatIds: [seat(40)] }, 'body.tripId', 'UNKNOWN_TRIP'],
    ['an unknown seat', { tripId: 1, seatIds: [99_999_999] }, 'body.seatIds', 'UNKNOWN_SEAT'],
    ['a seat of another trip', { tripId: 1, seatIds: [other.coaches[0]!.seats[5]!.seatId] }, 'body.seatIds', 'UNKNOWN_SEAT'],
    [
      'a station not on the route',
      { tripId: 1, seatIds: [seat(40)], from: 'SYL', to: 'CML' },
      'body.from',
      'STATION_NOT_ON_ROUTE',
    ],
    ['stations in the wrong order', { tripId: 1, seatIds: [seat(40)], from: 'CML', to: 'DHK' }, 'body.to', 'WRONG_DIRECTION'],
    ['the same station twice', { tripId: 1, seatIds: [seat(40)], from: 'BHB', to: 'BHB' }, 'body.to', 'WRONG_DIRECTION'],
    ['duplicate seats', { tripId: 1, seatIds: [seat(40), seat(40)] }, 'body.seatIds', 'VALIDATION_FAILED'],
    ['an empty list', { tripId: 1, seatIds: [] }, 'body.seatIds', 'VALIDATION_FAILED'],
    ['more than 4 seats', { tripId: 1, seatIds: [1, 2, 3, 4, 5].map((n) => seat(40 + n)) }, 'body.seatIds', 'VALIDATION_FAILED'],
    ['a missing trip', { seatIds: [seat(40)] }, 'body.tripId', 'VALIDATION_FAILED'],
    ['a non-integer trip', { tripId: 'x', seatIds: [seat(40)] }, 'body.tripId', 'VALIDATION_FAILED'],
    ['a trip id past the largest id', { tripId: 1e308, seatIds: [seat(40)] }, 'body.tripId', 'VALIDATION_FAILED'],
    ['a seat id past the largest id', { tripId: 1, seatIds: [2 ** 31] }, 'body.seatIds.0', 'VALIDATION_FAILED'],
    ['a malformed station code', { tripId: 1, seatIds: [seat(40)], from: 'dhaka' }, 'body.from', 'VALIDATION_FAILED'],
  ])('refuses %s with 400 naming the field', async (_name, body, field, code) => {
    const res = await select('bad-input', body);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 400, code });
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('leaves no partial write behind a refused request', async () => {
    const { rows } = await h.pool.query(`SELECT count(*)::int AS n FROM bookings WHERE user_id = 'bad-input'`);
    expect(rows[0].n).toBe(0);
  });

  it('refuses a request without a token, with a bad token, or with an expired one (401)', async () => {
    const payload = { tripId: 1, seatIds: [seat(50)] };
    const none = await h.app.inject({ method: 'POST', url: '/api/bookings/seats/select', payload });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('TOKEN_MISSING');
    const bad = await h.app.inject({
      method: 'POST',
      url: '/api/bookings/seats/select',
      payload,
      headers: { authorization: 'Bearer not.a.jwt' },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().code).toBe('TOKEN_INVALID');
    const expired = await h.issuer.sign({ sub: 'x' }, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const old = await h.app.inject({
      method: 'POST',
      url: '/api/bookings/seats/select',
      payload,
      headers: { authorization: `Bearer ${expired}` },
    });
    expect(old.statusCode).toBe(401);
  });

  it('replays the first answer for a retried Idempotency-Key and never makes a second hold', async () => {
    const headers = { 'idempotency-key': 'retry-1' };
    const body = { tripId: 1, seatIds: [seat(60)] };
    const [a, b, c] = await Promise.all([
      select('idem', body, headers),
      select('idem', body, headers),
      select('idem', body, headers),
    ]);
    expect([a, b, c].map((r) => r.statusCode)).toEqual([201, 201, 201]);
    expect(new Set([a, b, c].map((r) => r.json().bookingId)).size).toBe(1);
    const later = await select('idem', body, headers);
    expect(later.json().bookingId).toBe(a.json().bookingId);
    expect(later.headers['idempotent-replayed']).toBe('true');
    const { rows } = await h.pool.query(`SELECT count(*)::int AS n FROM bookings WHERE user_id = 'idem'`);
    expect(rows[0].n).toBe(1);
    // another user with the same key is a different request
    expect((await select('idem-2', { tripId: 1, seatIds: [seat(61)] }, headers)).statusCode).toBe(201);
    // the same key with another body is refused
    const reused = await select('idem', { tripId: 1, seatIds: [seat(62)] }, headers);
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses a malformed Idempotency-Key', async () => {
    const res = await select('idem-bad', { tripId: 1, seatIds: [seat(63)] }, { 'idempotency-key': 'has spaces in it' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('IDEMPOTENCY_KEY_INVALID');
    expect(res.json().errors[0].field).toBe('headers.idempotency-key');
  });
});
