/**
 * Verify never holds a transaction, a row lock or a second pool connection across the provider call, against
 * the real PostgreSQL and the durable mock provider (its own pool, as in server.ts):
 * - many concurrent verifies of different payments through a service pool far smaller than the concurrency,
 *   with a short connection timeout, all succeed (the design before this one queued every verify behind the
 *   provider's round trip on the pool and failed these with 503 pool timeouts);
 * - a crash between the charge and recording it (the afterProviderCall seam throws) leaves a pending attempt
 *   that a verify refuses (409 PAYMENT_IN_PROGRESS) while its lease runs, and that the next verify, or the
 *   reconciliation job, resolves from the provider's ledger: one charge, one payment.succeeded;
 * - a provider that does not answer in time gives 503, the key the charge was sent with is closed at the
 *   provider (a late charge with it moves no money) and recorded as a retryable failure, and a new attempt pays.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@rail/errors';
import { TEST_CARDS } from '../../src/provider/mock-provider.js';
import type { PaymentProvider } from '../../src/provider/provider.js';
import { reconcile } from '../../src/use-cases/reconcile.js';
import { verifyPayment } from '../../src/use-cases/verify-payment.js';
import { createHarness, logger, newUserId, type Harness } from '../helpers.js';

const CARD = { method: 'card', cardNumber: TEST_CARDS.success, expiry: '12/39', cvc: '123' } as const;
const OTHER_CARD = { method: 'card', cardNumber: '5555555555554444', expiry: '12/39', cvc: '123' } as const;

async function newPayment(h: Harness): Promise<{ userId: string; paymentId: string; bookingId: string }> {
  const userId = newUserId();
  const booking = h.addBooking(userId, { amount: 900 });
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/payments/initiate',
    headers: await h.authHeader(userId),
    payload: { bookingId: booking.bookingId },
  });
  expect(res.statusCode).toBe(201);
  return { userId, paymentId: res.json().paymentId, bookingId: booking.bookingId };
}

async function verify(h: Harness, userId: string, payload: object, headers: Record<string, string> = {}) {
  return h.app.inject({
    method: 'POST',
    url: '/api/payments/verify',
    headers: { ...(await h.authHeader(userId)), ...headers },
    payload,
  });
}

async function charges(h: Harness, bookingId: string): Promise<number> {
  return (await h.provider.ledger(bookingId)).filter((e) => e.type === 'charge').length;
}

async function events(h: Harness, paymentId: string): Promise<string[]> {
  const { rows } = await h.pool.query<{ type: string }>(
    "SELECT type FROM outbox WHERE envelope->'data'->>'paymentId' = $1 ORDER BY occurred_at",
    [paymentId],
  );
  return rows.map((r) => r.type);
}

async function attempts(h: Harness, paymentId: string) {
  const { rows } = await h.pool.query<{ attempt_no: number; outcome: string; reason: string | null; card_last4: string }>(
    'SELECT attempt_no, outcome, reason, card_last4 FROM payment_attempts WHERE payment_id = $1 ORDER BY attempt_no',
    [paymentId],
  );
  return rows;
}

/** Time passes: the attempt's lease lapses as if its process had died long ago. */
async function lapse(h: Harness, paymentId: string): Promise<void> {
  await h.pool.query(
    "UPDATE payment_attempts SET lease_until = now() - interval '1 second' WHERE payment_id = $1 AND outcome = 'pending'",
    [paymentId],
  );
}

describe('verify through a small pool', () => {
  let h: Harness;
  beforeAll(async () => {
    // 2 connections, a 500 ms connection timeout and a 250 ms provider: 24 verifies holding a connection across
    // the provider call would need 24 x 250 ms / 2 = 3 s of pool time, and most would time out.
    h = await createHarness({ poolMax: 2, connectionTimeoutMs: 500, providerLatencyMs: 250 });
  });
  afterAll(async () => {
    await h.close();
  });

  it('pays 24 different payments at once with no pool timeout, each charged once', async () => {
    const payments = [];
    for (let i = 0; i < 24; i++) payments.push(await newPayment(h));
    const started = Date.now();
    const answers = await Promise.all(
      payments.map((p) => verify(h, p.userId, { paymentId: p.paymentId, ...CARD }, { 'idempotency-key': randomUUID() })),
    );
    const elapsed = Date.now() - started;
    expect(answers.map((r) => r.statusCode)).toEqual(payments.map(() => 200));
    expect(answers.map((r) => r.json().status)).toEqual(payments.map(() => 'SUCCEEDED'));
    for (const p of payments) expect(await charges(h, p.bookingId)).toBe(1);
    // The provider round trips overlapped instead of queueing on the pool.
    expect(elapsed).toBeLessThan(2_500);
    expect(h.pool.totalCount).toBeLessThanOrEqual(2);
  });
});

describe('a crash between the charge and recording it', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  const crashing = (h: Harness) => ({
    pool: h.pool,
    provider: h.provider,
    logger,
    afterProviderCall: () => {
      throw new Error('simulated crash after the charge');
    },
  });

  it('is refused with 409 while its lease runs, then resolved by the next verify: one charge, one event', async () => {
    const { userId, paymentId, bookingId } = await newPayment(h);
    await expect(verifyPayment(crashing(h), { userId, body: { paymentId, ...CARD } })).rejects.toThrow('simulated crash');
    expect(await charges(h, bookingId)).toBe(1);
    expect(await events(h, paymentId)).toEqual([]);
    expect(await attempts(h, paymentId)).toEqual([{ attempt_no: 1, outcome: 'pending', reason: null, card_last4: '4242' }]);

    const meanwhile = await verify(h, userId, { paymentId, ...OTHER_CARD });
    expect(meanwhile.statusCode).toBe(409);
    expect(meanwhile.json()).toMatchObject({ code: 'PAYMENT_IN_PROGRESS', paymentId });
    expect(meanwhile.headers['retry-after']).toBe('1');
    expect(await charges(h, bookingId)).toBe(1);

    await lapse(h, paymentId);
    // Another card: the provider already has the first attempt's charge, so that is recorded and answered.
    const next = await verify(h, userId, { paymentId, ...OTHER_CARD });
    expect(next.statusCode).toBe(200);
    expect(next.json()).toEqual({ paymentId, status: 'SUCCEEDED' });
    expect(await charges(h, bookingId)).toBe(1);
    expect(await events(h, paymentId)).toEqual(['payment.succeeded']);
    expect(await attempts(h, paymentId)).toEqual([{ attempt_no: 1, outcome: 'succeeded', reason: null, card_last4: '4242' }]);
    const { rows } = await h.pool.query('SELECT status, card_last4, attempts, provider_reference FROM payments WHERE id = $1', [
      paymentId,
    ]);
    expect(rows[0]).toMatchObject({ status: 'SUCCEEDED', card_last4: '4242', attempts: 1 });
    expect(rows[0].provider_reference).toBe((await h.provider.ledger(bookingId))[0]?.reference);
  });

  it('is resolved by the reconciliation job when no verify comes, before it compares (no charge_without_payment)', async () => {
    const { userId, paymentId, bookingId } = await newPayment(h);
    await expect(verifyPayment(crashing(h), { userId, body: { paymentId, ...CARD } })).rejects.toThrow('simulated crash');
    // The job leaves an attempt alone while its lease runs.
    const early = await reconcile({ pool: h.pool, provider: h.provider, bookings: h.createBookingClient(), logger });
    expect(early.attemptsResolved).toBe(0);
    expect(await events(h, paymentId)).toEqual([]);

    await lapse(h, paymentId);
    const report = await reconcile(
      { pool: h.pool, provider: h.provider, bookings: h.createBookingClient(), logger },
      { graceMs: 0, now: new Date(Date.now() + 1_000) },
    );
    expect(report.attemptsResolved).toBe(1);
    expect(report.found.filter((f) => f.bookingId === bookingId && f.kind === 'charge_without_payment')).toEqual([]);
    expect(await events(h, paymentId)).toEqual(['payment.succeeded']);
    expect(await charges(h, bookingId)).toBe(1);
    // A verify afterwards answers SUCCEEDED without charging, and a second run finds nothing left to resolve.
    expect((await verify(h, userId, { paymentId, ...CARD })).json()).toEqual({ paymentId, status: 'SUCCEEDED' });
    expect(await charges(h, bookingId)).toBe(1);
    const again = await reconcile({ pool: h.pool, provider: h.provider, bookings: h.createBookingClient(), logger });
    expect(again.attemptsResolved).toBe(0);
    expect(await events(h, paymentId)).toEqual(['payment.succeeded']);
  });

  it('with an Idempotency-Key: the key is given up, and its retry resolves the attempt and replays afterwards', async () => {
    const { userId, paymentId, bookingId } = await newPayment(h);
    const key = randomUUID();
    await expect(verifyPayment(crashing(h), { userId, body: { paymentId, ...CARD }, idempotencyKey: key })).rejects.toThrow(
      'simulated crash',
    );
    await lapse(h, paymentId);
    const retry = await verify(h, userId, { paymentId, ...CARD }, { 'idempotency-key': key });
    expect(retry.json()).toEqual({ paymentId, status: 'SUCCEEDED' });
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    const replay = await verify(h, userId, { paymentId, ...CARD }, { 'idempotency-key': key });
    expect(replay.json()).toEqual({ paymentId, status: 'SUCCEEDED' });
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(await charges(h, bookingId)).toBe(1);
    expect(await events(h, paymentId)).toEqual(['payment.succeeded']);
  });
});

describe('a provider that does not answer in time', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('answers 503, closes the lost charge at the provider, and a new attempt pays once', async () => {
    const { userId, paymentId, bookingId } = await newPayment(h);
    let late: Promise<unknown> = Promise.resolve();
    const slow: PaymentProvider = {
      charge: (request) => {
        const charged = sleep(300).then(() => h.provider.charge(request));
        late = charged.catch(() => undefined);
        return charged;
      },
      resolveCharge: (lookup) => h.provider.resolveCharge(lookup),
      refund: (request) => h.provider.refund(request),
      capturedCharges: (from, to) => h.provider.capturedCharges(from, to),
    };
    const timedOut = verifyPayment(
      { pool: h.pool, provider: slow, logger, providerTimeoutMs: 100 },
      { userId, body: { paymentId, ...CARD } },
    );
    await expect(timedOut).rejects.toBeInstanceOf(AppError);
    await expect(timedOut).rejects.toMatchObject({ status: 503, code: 'PAYMENT_PROVIDER_UNAVAILABLE' });

    // The lease was let go at once: the next verify resolves the lost attempt (closing its key) and pays.
    const next = await verify(h, userId, { paymentId, ...CARD });
    expect(next.json()).toEqual({ paymentId, status: 'SUCCEEDED' });
    await late; // the first charge reaches the provider after its key was closed
    expect(await charges(h, bookingId)).toBe(1);
    expect(await attempts(h, paymentId)).toEqual([
      { attempt_no: 1, outcome: 'error', reason: 'provider_timeout', card_last4: '4242' },
      { attempt_no: 2, outcome: 'succeeded', reason: null, card_last4: '4242' },
    ]);
    expect(await events(h, paymentId)).toEqual(['payment.failed', 'payment.succeeded']);
  });
});
