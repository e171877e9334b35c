/**
 * POST /api/payments/verify through the real app and database: the deterministic test instruments, input
 * validation, ownership, Idempotency-Key replay and misuse, concurrent verifies charging once, and the events
 * written to the outbox in the same transaction, checked against their contracts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { EventData, EventEnvelopeBase } from '@rail/contracts/events';
import { createHarness, newUserId, type Harness } from '../helpers.js';

let h: Harness;

beforeAll(async () => {
  // A provider round trip long enough for concurrent requests to overlap.
  h = await createHarness({ providerLatencyMs: 40 });
});
afterAll(async () => {
  await h.close();
});

const VALID_CARD = { method: 'card', cardNumber: '4242 4242 4242 4242', expiry: '12/39', cvc: '123' } as const;

async function newPayment(
  userId = newUserId(),
  amount = 1_500,
): Promise<{ userId: string; paymentId: string; bookingId: string }> {
  const booking = h.addBooking(userId, { amount });
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/payments/initiate',
    headers: await h.authHeader(userId),
    payload: { bookingId: booking.bookingId },
  });
  expect(res.statusCode).toBe(201);
  return { userId, paymentId: res.json().paymentId, bookingId: booking.bookingId };
}

async function verify(userId: string, payload: object, headers: Record<string, string> = {}) {
  return h.app.inject({
    method: 'POST',
    url: '/api/payments/verify',
    headers: { ...(await h.authHeader(userId)), ...headers },
    payload,
  });
}

async function outboxFor(paymentId: string) {
  const { rows } = await h.pool.query<{ type: string; envelope: { id: string; type: string; data: { paymentId: string } } }>(
    "SELECT type, envelope FROM outbox WHERE envelope->'data'->>'paymentId' = $1 ORDER BY occurred_at",
    [paymentId],
  );
  return rows;
}

async function chargesFor(bookingId: string): Promise<number> {
  // The provider ledger is the money that moved; the booking id is the charge's reference.
  return (await h.provider.ledger(bookingId)).filter((e) => e.type === 'charge').length;
}

describe('POST /api/payments/verify: provider outcomes', () => {
  it('succeeds with 4242 4242 4242 4242, stores only brand and last four, and enqueues payment.succeeded', async () => {
    const { userId, paymentId, bookingId } = await newPayment();
    const res = await verify(userId, { paymentId, ...VALID_CARD });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ paymentId, status: 'SUCCEEDED' });

    const { rows } = await h.pool.query('SELECT * FROM payments WHERE id = $1', [paymentId]);
    expect(rows[0]).toMatchObject({ status: 'SUCCEEDED', method: 'card', card_brand: 'visa', card_last4: '4242', attempts: 1 });
    const everything = JSON.stringify(
      (await h.pool.query('SELECT p.*, a.* FROM payments p JOIN payment_attempts a ON a.payment_id = p.id')).rows,
    );
    expect(everything).not.toContain('4242424242424242');

    const events = await outboxFor(paymentId);
    expect(events.map((e) => e.type)).toEqual(['payment.succeeded']);
    const envelope = events[0]!.envelope;
    expect(Value.Check(EventEnvelopeBase, envelope)).toBe(true);
    expect(Value.Check(EventData['payment.succeeded'], envelope.data)).toBe(true);
    expect(envelope.data).toMatchObject({ paymentId, bookingId, userId, amount: 1_500, method: 'card' });
    expect(await chargesFor(bookingId)).toBe(1);
  });

  it('succeeds with any other Luhn-valid card (mastercard)', async () => {
    const { userId, paymentId } = await newPayment();
    const res = await verify(userId, { paymentId, method: 'card', cardNumber: '5555555555554444', expiry: '01/38', cvc: '999' });
    expect(res.json()).toEqual({ paymentId, status: 'SUCCEEDED' });
    const { rows } = await h.pool.query('SELECT card_brand, card_last4 FROM payments WHERE id = $1', [paymentId]);
    expect(rows[0]).toEqual({ card_brand: 'mastercard', card_last4: '4444' });
  });

  it('declines 4000 0000 0000 0002 (not retryable), enqueues payment.failed, and accepts another card afterwards', async () => {
    const { userId, paymentId, bookingId } = await newPayment();
    const declined = await verify(userId, { paymentId, ...VALID_CARD, cardNumber: '4000 0000 0000 0002' });
    expect(declined.statusCode).toBe(200);
    expect(declined.json()).toEqual({ paymentId, status: 'FAILED', reason: 'card_declined', retryable: false });
    expect(await chargesFor(bookingId)).toBe(0);

    // Initiating again returns the same payment, which takes another instrument.
    const again = await h.app.inject({
      method: 'POST',
      url: '/api/payments/initiate',
      headers: await h.authHeader(userId),
      payload: { bookingId },
    });
    expect(again.json()).toMatchObject({ paymentId, status: 'FAILED' });
    const retry = await verify(userId, { paymentId, ...VALID_CARD });
    expect(retry.json()).toEqual({ paymentId, status: 'SUCCEEDED' });

    const events = await outboxFor(paymentId);
    expect(events.map((e) => e.type)).toEqual(['payment.failed', 'payment.succeeded']);
    const failed = events[0]!.envelope.data;
    expect(Value.Check(EventData['payment.failed'], failed)).toBe(true);
    expect(failed).toMatchObject({ paymentId, bookingId, userId, reason: 'card_declined', retryable: false, amount: 1_500 });
    const { rows } = await h.pool.query(
      'SELECT attempt_no, outcome, reason, card_last4 FROM payment_attempts WHERE payment_id = $1 ORDER BY attempt_no',
      [paymentId],
    );
    expect(rows).toEqual([
      { attempt_no: 1, outcome: 'declined', reason: 'card_declined', card_last4: '0002' },
      { attempt_no: 2, outcome: 'succeeded', reason: null, card_last4: '4242' },
    ]);
    expect(await chargesFor(bookingId)).toBe(1);
  });

  it('fails 4000 0000 0000 9995 with a retryable provider error, and a retry can succeed', async () => {
    const { userId, paymentId } = await newPayment();
    const res = await verify(userId, { paymentId, ...VALID_CARD, cardNumber: '4000000000009995' });
    expect(res.json()).toEqual({ paymentId, status: 'FAILED', reason: 'provider_error', retryable: true });
    const view = await h.app.inject({ method: 'GET', url: `/api/payments/${paymentId}`, headers: await h.authHeader(userId) });
    expect(view.json()).toMatchObject({ status: 'FAILED', failureReason: 'provider_error', retryable: true, attempts: 1 });
    expect((await verify(userId, { paymentId, ...VALID_CARD })).json().status).toBe('SUCCEEDED');
  });

  it('pays with bKash and Nagad wallets; the documented test numbers decline or fail retryably', async () => {
    const a = await newPayment();
    expect(
      (await verify(a.userId, { paymentId: a.paymentId, method: 'bkash', walletNumber: '+8801812345678', pin: '12345' })).json(),
    ).toEqual({
      paymentId: a.paymentId,
      status: 'SUCCEEDED',
    });
    const { rows } = await h.pool.query('SELECT method, wallet_last4, card_last4 FROM payments WHERE id = $1', [a.paymentId]);
    expect(rows[0]).toEqual({ method: 'bkash', wallet_last4: '5678', card_last4: null });

    const b = await newPayment();
    expect(
      (await verify(b.userId, { paymentId: b.paymentId, method: 'nagad', walletNumber: '01700000002', pin: '1234' })).json(),
    ).toEqual({
      paymentId: b.paymentId,
      status: 'FAILED',
      reason: 'insufficient_balance',
      retryable: false,
    });
    expect(
      (await verify(b.userId, { paymentId: b.paymentId, method: 'nagad', walletNumber: '01700009995', pin: '1234' })).json(),
    ).toEqual({
      paymentId: b.paymentId,
      status: 'FAILED',
      reason: 'provider_error',
      retryable: true,
    });
  });
});

describe('POST /api/payments/verify: input and access', () => {
  const cases: [string, object, string, string][] = [
    ['a number failing Luhn', { ...VALID_CARD, cardNumber: '4242 4242 4242 4241' }, 'body.cardNumber', 'CARD_NUMBER_INVALID'],
    ['a too-short number', { ...VALID_CARD, cardNumber: '4242' }, 'body.cardNumber', 'CARD_NUMBER_INVALID'],
    ['letters in the number', { ...VALID_CARD, cardNumber: '4242abcd42424242' }, 'body.cardNumber', 'CARD_NUMBER_INVALID'],
    ['an expired card', { ...VALID_CARD, expiry: '01/20' }, 'body.expiry', 'CARD_EXPIRED'],
    ['a malformed expiry', { ...VALID_CARD, expiry: '13/30' }, 'body.expiry', 'CARD_EXPIRY_INVALID'],
    ['a two-digit cvc', { ...VALID_CARD, cvc: '12' }, 'body.cvc', 'CARD_CVC_INVALID'],
    ['a missing card number', { method: 'card', expiry: '12/39', cvc: '123' }, 'body.cardNumber', 'VALIDATION_FAILED'],
    ['a missing cvc', { method: 'card', cardNumber: '4242424242424242', expiry: '12/39' }, 'body.cvc', 'VALIDATION_FAILED'],
    ['a wallet field on a card payment', { ...VALID_CARD, pin: '1234' }, 'body.pin', 'VALIDATION_FAILED'],
    [
      'a non-Bangladeshi wallet number',
      { method: 'bkash', walletNumber: '01212345678', pin: '12345' },
      'body.walletNumber',
      'WALLET_NUMBER_INVALID',
    ],
    ['a missing wallet pin', { method: 'nagad', walletNumber: '01712345678' }, 'body.pin', 'VALIDATION_FAILED'],
    ['an unknown method', { method: 'paypal' }, 'body.method', 'VALIDATION_FAILED'],
  ];

  it.each(cases)('answers 400 for %s, naming the field, and charges nothing', async (_name, fields, field, code) => {
    const { userId, paymentId, bookingId } = await newPayment();
    const res = await verify(userId, { paymentId, ...fields });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe(code);
    expect(res.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await chargesFor(bookingId)).toBe(0);
    const { rows } = await h.pool.query('SELECT status, attempts FROM payments WHERE id = $1', [paymentId]);
    expect(rows[0]).toEqual({ status: 'INITIATED', attempts: 0 });
  });

  it('answers 400 for a missing or malformed paymentId', async () => {
    const res = await verify(newUserId(), { ...VALID_CARD, paymentId: 'nope' });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].field).toBe('body.paymentId');
  });

  it("answers 404 for another user's payment or an unknown one, without charging", async () => {
    const { paymentId, bookingId } = await newPayment();
    const stranger = await verify(newUserId(), { paymentId, ...VALID_CARD });
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().code).toBe('PAYMENT_NOT_FOUND');
    expect((await verify(newUserId(), { paymentId: randomUUID(), ...VALID_CARD })).statusCode).toBe(404);
    expect(await chargesFor(bookingId)).toBe(0);
  });

  it('answers 401 without a token', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/api/payments/verify',
      payload: { paymentId: randomUUID(), ...VALID_CARD },
    });
    expect(res.statusCode).toBe(401);
  });

  it('answers 409 PAYMENT_REFUNDED for a refunded payment', async () => {
    const { userId, paymentId } = await newPayment();
    await verify(userId, { paymentId, ...VALID_CARD });
    await h.pool.query("UPDATE payments SET status = 'REFUNDED' WHERE id = $1", [paymentId]);
    const res = await verify(userId, { paymentId, ...VALID_CARD });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('PAYMENT_REFUNDED');
  });
});

describe('POST /api/payments/verify: never twice', () => {
  it('a second verify of a succeeded payment returns the same result without a second charge', async () => {
    const { userId, paymentId, bookingId } = await newPayment();
    const first = await verify(userId, { paymentId, ...VALID_CARD });
    const second = await verify(userId, { paymentId, ...VALID_CARD, cardNumber: '5555555555554444' });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect(await chargesFor(bookingId)).toBe(1);
    expect((await outboxFor(paymentId)).map((e) => e.type)).toEqual(['payment.succeeded']);
  });

  it('concurrent verifies of one payment charge once: one SUCCEEDED, the others 409 PAYMENT_IN_PROGRESS with Retry-After at once', async () => {
    const { userId, paymentId, bookingId } = await newPayment();
    const answers = await Promise.all(Array.from({ length: 6 }, () => verify(userId, { paymentId, ...VALID_CARD })));
    const ok = answers.filter((r) => r.statusCode === 200);
    const refused = answers.filter((r) => r.statusCode === 409);
    expect(ok.length + refused.length).toBe(6);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of ok) expect(r.json()).toEqual({ paymentId, status: 'SUCCEEDED' });
    for (const r of refused) {
      expect(r.json()).toMatchObject({ code: 'PAYMENT_IN_PROGRESS', paymentId });
      expect(r.headers['retry-after']).toBe('1');
    }
    expect(await chargesFor(bookingId)).toBe(1);
    const { rows } = await h.pool.query('SELECT count(*)::int AS n FROM payment_attempts WHERE payment_id = $1', [paymentId]);
    expect(rows[0].n).toBe(1);
    expect((await outboxFor(paymentId)).map((e) => e.type)).toEqual(['payment.succeeded']);
    // Once the attempt is recorded, a retry of a refused one answers SUCCEEDED without a second charge.
    expect((await verify(userId, { paymentId, ...VALID_CARD })).json()).toEqual({ paymentId, status: 'SUCCEEDED' });
    expect(await chargesFor(bookingId)).toBe(1);
  });
});

describe('POST /api/payments/verify: Idempotency-Key', () => {
  it('replays the first answer for the same key and body, even when the first answer was a failure', async () => {
    const { userId, paymentId } = await newPayment();
    const key = randomUUID();
    const body = { paymentId, ...VALID_CARD, cardNumber: '4000000000009995' };
    const first = await verify(userId, body, { 'idempotency-key': key });
    expect(first.json()).toMatchObject({ status: 'FAILED', retryable: true });
    // Keys in another order are the same request.
    const reordered = { cvc: body.cvc, expiry: body.expiry, cardNumber: body.cardNumber, method: body.method, paymentId };
    const replay = await verify(userId, reordered, { 'idempotency-key': key });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual(first.json());
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const { rows } = await h.pool.query('SELECT count(*)::int AS n FROM payment_attempts WHERE payment_id = $1', [paymentId]);
    expect(rows[0].n).toBe(1);
    // A new key is a new attempt.
    expect((await verify(userId, { paymentId, ...VALID_CARD }, { 'idempotency-key': randomUUID() })).json().status).toBe(
      'SUCCEEDED',
    );
  });

  it('answers 422 when the key is reused with a different body, and changes nothing', async () => {
    const { userId, paymentId, bookingId } = await newPayment();
    const key = randomUUID();
    await verify(userId, { paymentId, ...VALID_CARD, cardNumber: '4000000000000002' }, { 'idempotency-key': key });
    const reused = await verify(userId, { paymentId, ...VALID_CARD }, { 'idempotency-key': key });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await chargesFor(bookingId)).toBe(0);
  });

  it('scopes keys per user and never stores the card number with the key', async () => {
    const a = await newPayment();
    const b = await newPayment();
    const key = randomUUID();
    expect((await verify(a.userId, { paymentId: a.paymentId, ...VALID_CARD }, { 'idempotency-key': key })).json().status).toBe(
      'SUCCEEDED',
    );
    expect((await verify(b.userId, { paymentId: b.paymentId, ...VALID_CARD }, { 'idempotency-key': key })).json()).toEqual({
      paymentId: b.paymentId,
      status: 'SUCCEEDED',
    });
    const { rows } = await h.pool.query('SELECT * FROM idempotency_keys WHERE key = $1', [key]);
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain('4242');
  });

  it('concurrent requests with the same key charge once and answer alike', async () => {
    const { userId, paymentId, bookingId } = await newPayment();
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => verify(userId, { paymentId, ...VALID_CARD }, { 'idempotency-key': key })),
    );
    expect(answers.map((r) => r.json())).toEqual(Array.from({ length: 4 }, () => ({ paymentId, status: 'SUCCEEDED' })));
    expect(answers.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(3);
    expect(await chargesFor(bookingId)).toBe(1);
  });

  it('answers 400 for a malformed key', async () => {
    const { userId, paymentId } = await newPayment();
    const res = await verify(userId, { paymentId, ...VALID_CARD }, { 'idempotency-key': 'has spaces in it' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('IDEMPOTENCY_KEY_INVALID');
    expect(res.json().errors[0].field).toBe('headers.idempotency-key');
  });
});
