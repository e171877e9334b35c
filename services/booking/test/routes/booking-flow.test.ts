/** The booking lifecycle over HTTP: confirm passengers + OTP, verify, reads, release, internal lookups. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { EventData } from '@rail/contracts/events';
import { makeInventory } from '../helpers/fixtures.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const trip = makeInventory(31);
const seat = (n: number): number => trip.coaches[Math.floor(n / 55)]!.seats[n % 55]!.seatId;
let h: Harness;

beforeAll(async () => {
  h = await startHarness([trip]);
});
afterAll(() => h?.close());

async function call(userId: string | null, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
  const headers = userId ? await h.auth(userId) : {};
  return h.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function hold(userId: string, seats: number[], segment: { from?: string; to?: string } = {}): Promise<string> {
  const res = await call(userId, 'POST', '/api/bookings/seats/select', { tripId: 31, seatIds: seats, ...segment });
  expect(res.statusCode).toBe(201);
  return res.json().bookingId as string;
}

const passengers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Passenger ${i + 1}`, age: 30 + i }));

async function seatStatus(seatId: number): Promise<string> {
  const res = await h.app.inject({
    method: 'POST',
    url: '/internal/availability',
    payload: { queries: [{ tripId: 31, from: 'DHK', to: 'CTG' }] },
  });
  const r = res.json().results[0];
  return r.held.includes(seatId) ? 'held' : r.booked.includes(seatId) ? 'booked' : 'available';
}

describe('confirm and verify-otp', () => {
  it('records passengers, sends the OTP through the outbox, and verifies it -> PENDING_PAYMENT', async () => {
    const id = await hold('flow-1', [seat(0), seat(1)]);
    const confirm = await call('flow-1', 'POST', '/api/bookings/seats/confirm', { bookingId: id, passengers: passengers(2) });
    expect(confirm.statusCode).toBe(200);
    const body = confirm.json();
    expect(body).toMatchObject({ bookingId: id, status: 'HELD', otpSentTo: '+88017*****678' });
    expect(body.devOtp).toMatch(/^\d{6}$/);
    const { rows } = await h.pool.query(
      `SELECT envelope FROM outbox WHERE type = 'otp.requested' AND envelope->'data'->>'bookingId' = $1`,
      [id],
    );
    expect(rows).toHaveLength(1);
    expect(Value.Check(EventData['otp.requested'], rows[0].envelope.data)).toBe(true);
    expect(rows[0].envelope.data).toMatchObject({ phone: '+8801712345678', purpose: 'booking', code: body.devOtp });
    const stored = await h.pool.query(`SELECT otp_hash, passengers FROM bookings WHERE id = $1`, [id]);
    expect(stored.rows[0].otp_hash).not.toContain(body.devOtp);
    expect(stored.rows[0].passengers).toEqual(passengers(2));

    const verify = await call('flow-1', 'POST', `/api/bookings/${id}/verify-otp`, { otp: body.devOtp });
    expect(verify.statusCode).toBe(200);
    expect(verify.json()).toMatchObject({ bookingId: id, status: 'PENDING_PAYMENT', amount: 800, currency: 'BDT' });
    expect(await seatStatus(seat(0))).toBe('booked');
    // idempotent
    const again = await call('flow-1', 'POST', `/api/bookings/${id}/verify-otp`, { otp: body.devOtp });
    expect(again.statusCode).toBe(200);
    const view = await call('flow-1', 'GET', `/api/bookings/${id}`);
    expect(view.json()).toMatchObject({ status: 'PENDING_PAYMENT', passengers: passengers(2) });
  });

  it('wrong code -> 400 with attempts left; the 5th wrong code -> 429 and the seats are free', async () => {
    const id = await hold('flow-2', [seat(2)]);
    const { devOtp } = (
      await call('flow-2', 'POST', '/api/bookings/seats/confirm', { bookingId: id, passengers: passengers(1) })
    ).json();
    const wrong = devOtp === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 4; i++) {
      const res = await call('flow-2', 'POST', `/api/bookings/${id}/verify-otp`, { otp: wrong });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'OTP_INVALID', attemptsLeft: 5 - i });
    }
    expect(await seatStatus(seat(2))).toBe('held');
    const last = await call('flow-2', 'POST', `/api/bookings/${id}/verify-otp`, { otp: wrong });
    expect(last.statusCode).toBe(429);
    expect(last.json().code).toBe('OTP_ATTEMPTS_EXCEEDED');
    expect(await seatStatus(seat(2))).toBe('available');
    expect((await call('flow-2', 'GET', `/api/bookings/${id}`)).json().status).toBe('CANCELLED');
    // even the right code is now refused
    expect((await call('flow-2', 'POST', `/api/bookings/${id}/verify-otp`, { otp: devOtp })).statusCode).toBe(409);
    expect((await call('flow-3', 'POST', '/api/bookings/seats/select', { tripId: 31, seatIds: [seat(2)] })).statusCode).toBe(201);
  });

  it('refuses bad confirm and verify input', async () => {
    const id = await hold('flow-4', [seat(3), seat(4)]);
    const count = await call('flow-4', 'POST', '/api/bookings/seats/confirm', { bookingId: id, passengers: passengers(1) });
    expect(count.statusCode).toBe(400);
    expect(count.json().errors[0].field).toBe('body.passengers');
    const noName = await call('flow-4', 'POST', '/api/bookings/seats/confirm', {
      bookingId: id,
      passengers: [{ age: 3 }, { name: 'x' }],
    });
    expect(noName.statusCode).toBe(400);
    expect(noName.json().errors.map((e: { field: string }) => e.field)).toContain('body.passengers.0.name');
    const badId = await call('flow-4', 'POST', '/api/bookings/seats/confirm', { bookingId: 'nope', passengers: passengers(2) });
    expect(badId.statusCode).toBe(400);
    const notOtp = await call('flow-4', 'POST', `/api/bookings/${id}/verify-otp`, { otp: '12ab' });
    expect(notOtp.statusCode).toBe(400);
    const before = await call('flow-4', 'POST', `/api/bookings/${id}/verify-otp`, { otp: '123456' });
    expect(before.statusCode).toBe(409);
    expect(before.json().code).toBe('OTP_NOT_REQUESTED');
    // someone else's booking does not exist for them
    const other = await call('intruder', 'POST', '/api/bookings/seats/confirm', { bookingId: id, passengers: passengers(2) });
    expect(other.statusCode).toBe(404);
    // no phone in the token: 400 naming it
    const token = await h.token('no-phone', { phone: undefined });
    const nophone = await h.app.inject({
      method: 'POST',
      url: '/api/bookings/seats/confirm',
      headers: { authorization: `Bearer ${token}` },
      payload: { bookingId: id, passengers: passengers(2) },
    });
    expect(nophone.statusCode).toBe(400);
    expect(nophone.json().code).toBe('PHONE_REQUIRED');
    expect(
      (await call(null, 'POST', '/api/bookings/seats/confirm', { bookingId: id, passengers: passengers(2) })).statusCode,
    ).toBe(401);
    expect((await call(null, 'POST', `/api/bookings/${id}/verify-otp`, { otp: '123456' })).statusCode).toBe(401);
  });
});

describe('reads and release', () => {
  it('GET /:id is owner-only (404 for anyone else, 401 without a token)', async () => {
    const id = await hold('reader', [seat(10)]);
    const mine = await call('reader', 'GET', `/api/bookings/${id}`);
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({
      bookingId: id,
      status: 'HELD',
      tripId: 31,
      seats: [{ seatId: seat(10), label: 'KA-11' }],
      reference: null,
    });
    expect((await call('someone-else', 'GET', `/api/bookings/${id}`)).statusCode).toBe(404);
    expect((await call(null, 'GET', `/api/bookings/${id}`)).statusCode).toBe(401);
    expect((await call('reader', 'GET', '/api/bookings/not-a-uuid')).statusCode).toBe(400);
  });

  it('GET / lists my bookings newest first, page by page', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await hold('lister', [seat(20 + i)]));
    const page1 = await call('lister', 'GET', '/api/bookings?limit=2');
    expect(page1.statusCode).toBe(200);
    expect(page1.json().items.map((b: { bookingId: string }) => b.bookingId)).toEqual([ids[2], ids[1]]);
    const page2 = await call('lister', 'GET', `/api/bookings?limit=2&cursor=${page1.json().nextCursor}`);
    expect(page2.json()).toMatchObject({ items: [{ bookingId: ids[0] }], nextCursor: null });
    expect((await call('lister', 'GET', '/api/bookings?limit=500')).statusCode).toBe(400);
    expect((await call('lister', 'GET', '/api/bookings?cursor=bad!')).statusCode).toBe(400);
    expect((await call('lister', 'GET', '/api/bookings?cursor=Zm9v')).json().code).toBe('INVALID_CURSOR');
    expect((await call('nobody', 'GET', '/api/bookings')).json()).toEqual({ items: [], nextCursor: null });
  });

  it('DELETE releases a hold at once and is idempotent', async () => {
    const id = await hold('releaser', [seat(30)]);
    expect(await seatStatus(seat(30))).toBe('held');
    expect((await call('other', 'DELETE', `/api/bookings/${id}`)).statusCode).toBe(404);
    const res = await call('releaser', 'DELETE', `/api/bookings/${id}`);
    expect(res.json()).toEqual({ bookingId: id, status: 'CANCELLED' });
    expect(await seatStatus(seat(30))).toBe('available');
    expect((await call('releaser', 'DELETE', `/api/bookings/${id}`)).json()).toEqual({ bookingId: id, status: 'CANCELLED' });
    const active = await h.pool.query(`SELECT active FROM booking_seats WHERE booking_id = $1`, [id]);
    expect(active.rows).toEqual([{ active: false }]);
    expect((await call('taker', 'POST', '/api/bookings/seats/select', { tripId: 31, seatIds: [seat(30)] })).statusCode).toBe(201);
  });
});

describe('internal endpoints', () => {
  it('availability reports held and booked seats per segment', async () => {
    await hold('avail', [seat(40)], { from: 'DHK', to: 'BHB' });
    const res = await h.app.inject({
      method: 'POST',
      url: '/internal/availability',
      payload: {
        queries: [
          { tripId: 31, from: 'DHK', to: 'AKH' },
          { tripId: 31, from: 'BHB', to: 'CTG' },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const [a, b] = res.json().results;
    expect(a.held).toContain(seat(40));
    expect(b.held).not.toContain(seat(40));
    expect(b.booked).toContain(seat(0)); // PENDING_PAYMENT from the first test counts as booked
    const bad = await h.app.inject({
      method: 'POST',
      url: '/internal/availability',
      payload: { queries: [{ tripId: 31, from: 'CTG', to: 'DHK' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('body.queries.0.to');
    const unknown = await h.app.inject({
      method: 'POST',
      url: '/internal/availability',
      payload: { queries: [{ tripId: 77, from: 'DHK', to: 'BHB' }] },
    });
    expect(unknown.statusCode).toBe(400);
    expect((await h.app.inject({ method: 'POST', url: '/internal/availability', payload: { queries: [] } })).statusCode).toBe(
      400,
    );
  });

  it('GET /internal/bookings/:id tells the payment service the amount and owner', async () => {
    const id = await hold('payer', [seat(50)]);
    const res = await h.app.inject({ method: 'GET', url: `/internal/bookings/${id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      bookingId: id,
      userId: 'payer',
      status: 'HELD',
      amount: 400,
      currency: 'BDT',
      tripId: 31,
    });
    expect(
      (await h.app.inject({ method: 'GET', url: '/internal/bookings/00000000-0000-4000-8000-000000000000' })).statusCode,
    ).toBe(404);
  });

  it('serves the OpenAPI document with the booking schemas', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/bookings/openapi.json' });
    expect(res.statusCode).toBe(200);
    expect(Object.keys(res.json().paths)).toContain('/api/bookings/seats/select');
  });
});
