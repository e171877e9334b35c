/** POST /api/payments/initiate and GET /api/payments/:id through the real app, database and an HTTP booking service. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, newUserId, type Harness } from '../helpers.js';

let h: Harness;

beforeAll(async () => {
  h = await createHarness({ bookingTimeoutMs: 300 });
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.bookingService.failWith = null;
  h.bookingService.delayMs = 0;
});

async function initiate(userId: string, body: unknown) {
  return h.app.inject({
    method: 'POST',
    url: '/api/payments/initiate',
    headers: await h.authHeader(userId),
    payload: body as object,
  });
}

describe('POST /api/payments/initiate', () => {
  it('creates an INITIATED payment for the amount the booking service reports, not the client', async () => {
    const user = newUserId();
    const booking = h.addBooking(user, { amount: 2_340 });
    const res = await initiate(user, { bookingId: booking.bookingId, amount: 1 });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      paymentId: expect.any(String),
      bookingId: booking.bookingId,
      amount: 2_340,
      currency: 'BDT',
      status: 'INITIATED',
    });
    const { rows } = await h.pool.query('SELECT amount, user_id, status FROM payments WHERE id = $1', [body.paymentId]);
    expect(rows[0]).toEqual({ amount: 2_340, user_id: user, status: 'INITIATED' });
  });

  it('returns the same open payment when initiated again for the booking, also concurrently', async () => {
    const user = newUserId();
    const booking = h.addBooking(user);
    const answers = await Promise.all(Array.from({ length: 5 }, () => initiate(user, { bookingId: booking.bookingId })));
    const ids = new Set(answers.map((r) => r.json().paymentId));
    expect(ids.size).toBe(1);
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
    const again = await initiate(user, { bookingId: booking.bookingId });
    expect(again.statusCode).toBe(200);
    expect(again.json().paymentId).toBe([...ids][0]);
    const { rows } = await h.pool.query('SELECT count(*)::int AS n FROM payments WHERE booking_id = $1', [booking.bookingId]);
    expect(rows[0].n).toBe(1);
  });

  it('answers 404 for a booking of another user, exactly like an unknown booking', async () => {
    const owner = newUserId();
    const booking = h.addBooking(owner);
    const stranger = await initiate(newUserId(), { bookingId: booking.bookingId });
    const unknown = await initiate(owner, { bookingId: randomUUID() });
    for (const res of [stranger, unknown]) {
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ status: 404, code: 'BOOKING_NOT_FOUND' });
    }
    const { rows } = await h.pool.query('SELECT count(*)::int AS n FROM payments WHERE booking_id = $1', [booking.bookingId]);
    expect(rows[0].n).toBe(0);
  });

  it('answers 409 BOOKING_NOT_PAYABLE unless the booking awaits payment', async () => {
    const user = newUserId();
    for (const status of ['HELD', 'CONFIRMED', 'EXPIRED', 'CANCELLED'] as const) {
      const booking = h.addBooking(user, { status });
      const res = await initiate(user, { bookingId: booking.bookingId });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'BOOKING_NOT_PAYABLE', bookingStatus: status });
    }
  });

  it('answers 409 BOOKING_EXPIRED when the hold has run out even if not yet marked expired', async () => {
    const user = newUserId();
    const booking = h.addBooking(user, { expiresAt: new Date(Date.now() - 1_000).toISOString() });
    const res = await initiate(user, { bookingId: booking.bookingId });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('BOOKING_EXPIRED');
  });

  it('answers 409 BOOKING_ALREADY_PAID once the booking has a succeeded payment', async () => {
    const user = newUserId();
    const booking = h.addBooking(user);
    const { paymentId } = (await initiate(user, { bookingId: booking.bookingId })).json();
    const verify = await h.app.inject({
      method: 'POST',
      url: '/api/payments/verify',
      headers: await h.authHeader(user),
      payload: { paymentId, method: 'bkash', walletNumber: '01712345678', pin: '12345' },
    });
    expect(verify.json().status).toBe('SUCCEEDED');
    const res = await initiate(user, { bookingId: booking.bookingId });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'BOOKING_ALREADY_PAID', paymentId });
  });

  it('answers 400 naming the field for a missing or malformed bookingId', async () => {
    const user = newUserId();
    const missing = await initiate(user, {});
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toContainEqual({ field: 'body.bookingId', message: 'is required' });
    const malformed = await initiate(user, { bookingId: 'not-a-uuid' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().errors[0].field).toBe('body.bookingId');
  });

  it('answers 401 without a valid token', async () => {
    const none = await h.app.inject({ method: 'POST', url: '/api/payments/initiate', payload: { bookingId: randomUUID() } });
    expect(none.statusCode).toBe(401);
    expect(none.json().code).toBe('TOKEN_MISSING');
    const bad = await h.app.inject({
      method: 'POST',
      url: '/api/payments/initiate',
      headers: { authorization: 'Bearer not.a.token' },
      payload: { bookingId: randomUUID() },
    });
    expect(bad.statusCode).toBe(401);
  });

  it('answers 503 with Retry-After when the booking service fails, times out or is unreachable, writing nothing', async () => {
    const user = newUserId();
    const booking = h.addBooking(user);
    h.bookingService.failWith = 500;
    const failing = await initiate(user, { bookingId: booking.bookingId });
    h.bookingService.failWith = null;
    h.bookingService.delayMs = 1_000;
    const slow = await initiate(user, { bookingId: booking.bookingId });
    for (const res of [failing, slow]) {
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('2');
      expect(res.json().code).toBe('BOOKING_SERVICE_UNAVAILABLE');
    }
    const { rows } = await h.pool.query('SELECT count(*)::int AS n FROM payments WHERE booking_id = $1', [booking.bookingId]);
    expect(rows[0].n).toBe(0);
  });
});

describe('GET /api/payments/:id', () => {
  it('shows the owner their payment, and nobody else', async () => {
    const user = newUserId();
    const booking = h.addBooking(user, { amount: 800 });
    const { paymentId } = (await initiate(user, { bookingId: booking.bookingId })).json();

    const own = await h.app.inject({ method: 'GET', url: `/api/payments/${paymentId}`, headers: await h.authHeader(user) });
    expect(own.statusCode).toBe(200);
    expect(own.json()).toMatchObject({
      paymentId,
      bookingId: booking.bookingId,
      amount: 800,
      currency: 'BDT',
      status: 'INITIATED',
      attempts: 0,
      cardLast4: null,
    });

    const other = await h.app.inject({
      method: 'GET',
      url: `/api/payments/${paymentId}`,
      headers: await h.authHeader(newUserId()),
    });
    expect(other.statusCode).toBe(404);
    expect(other.json().code).toBe('PAYMENT_NOT_FOUND');
    const unknown = await h.app.inject({
      method: 'GET',
      url: `/api/payments/${randomUUID()}`,
      headers: await h.authHeader(user),
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('answers 400 for a malformed id and 401 without a token', async () => {
    const bad = await h.app.inject({ method: 'GET', url: '/api/payments/123', headers: await h.authHeader(newUserId()) });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('params.id');
    const anon = await h.app.inject({ method: 'GET', url: `/api/payments/${randomUUID()}` });
    expect(anon.statusCode).toBe(401);
  });
});

describe('operations', () => {
  it('is ready when the database answers and publishes an OpenAPI document of its routes', async () => {
    const ready = await h.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    const doc = await h.app.inject({ method: 'GET', url: '/api/payments/openapi.json' });
    expect(Object.keys(doc.json().paths)).toEqual(
      expect.arrayContaining(['/api/payments/initiate', '/api/payments/verify', '/api/payments/{id}']),
    );
  });
});
