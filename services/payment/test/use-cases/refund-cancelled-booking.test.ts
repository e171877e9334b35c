/**
 * The booking.cancelled handler on its own (no broker), over the real database: one refund per payment however
 * many events ask, payment.refunded carrying the event's contact, and nothing for unpaid or unknown payments.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { withTransaction } from '@rail/db';
import { buildEnvelope } from '@rail/messaging';
import { EventData, type EventDataOf } from '@rail/contracts/events';
import { refundCancelledBooking, type RefundOutcome } from '../../src/use-cases/refund-cancelled-booking.js';
import { MockPaymentProvider } from '../../src/provider/mock-provider.js';
import { ProviderError, type PaymentProvider } from '../../src/provider/provider.js';
import { createHarness, logger, newUserId, type Harness } from '../helpers.js';

let h: Harness;

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

async function paidPayment(method: object = { method: 'card', cardNumber: '4242424242424242', expiry: '12/39', cvc: '123' }) {
  const userId = newUserId();
  const booking = h.addBooking(userId, { amount: 900 });
  const headers = await h.authHeader(userId);
  const { paymentId } = (
    await h.app.inject({ method: 'POST', url: '/api/payments/initiate', headers, payload: { bookingId: booking.bookingId } })
  ).json();
  const res = await h.app.inject({ method: 'POST', url: '/api/payments/verify', headers, payload: { paymentId, ...method } });
  return { userId, bookingId: booking.bookingId, paymentId, status: res.json().status as string };
}

function cancelled(
  p: { userId: string; bookingId: string; paymentId: string | null },
  overrides: Partial<EventDataOf<'booking.cancelled'>> = {},
) {
  return buildEnvelope('booking.cancelled', {
    bookingId: p.bookingId,
    reference: 'RX7K2M',
    userId: p.userId,
    contact: { phone: '+8801712345678', email: 'rahim@example.com', name: 'Rahim' },
    tripId: 42,
    seatIds: [1, 2],
    reason: 'cancelled_by_user',
    paymentId: p.paymentId,
    refundAmount: 900,
    ...overrides,
  });
}

function handle(event: ReturnType<typeof cancelled>, provider: PaymentProvider = h.provider): Promise<RefundOutcome> {
  return withTransaction(h.pool, (db) => refundCancelledBooking({ provider, logger }, event, db));
}

async function refundsInLedger(bookingId: string): Promise<number> {
  return (await h.provider.ledger(bookingId)).filter((e) => e.type === 'refund').length;
}

describe('refundCancelledBooking', () => {
  it('refunds after a payment-service restart: a new provider instance on the same database finds the charge', async () => {
    const p = await paidPayment();
    const restarted = new MockPaymentProvider({ pool: h.pool });
    expect(await handle(cancelled(p), restarted)).toBe('refunded');
    const { rows } = await h.pool.query('SELECT status FROM payments WHERE id = $1', [p.paymentId]);
    expect(rows[0].status).toBe('REFUNDED');
    expect((await restarted.ledger(p.bookingId)).map((e) => e.type)).toEqual(['charge', 'refund']);
    // A redelivery to yet another instance refunds nothing more.
    expect(await handle(cancelled(p), new MockPaymentProvider({ pool: h.pool }))).toBe('already-refunded');
    expect(await refundsInLedger(p.bookingId)).toBe(1);
  });

  it('refunds a succeeded payment once and enqueues payment.refunded with the contact from the event', async () => {
    const p = await paidPayment();
    expect(await handle(cancelled(p))).toBe('refunded');

    const { rows } = await h.pool.query('SELECT status, refunded_at FROM payments WHERE id = $1', [p.paymentId]);
    expect(rows[0].status).toBe('REFUNDED');
    expect(rows[0].refunded_at).toBeInstanceOf(Date);
    const refunds = await h.pool.query('SELECT amount, reason FROM refunds WHERE payment_id = $1', [p.paymentId]);
    expect(refunds.rows).toEqual([{ amount: 900, reason: 'cancelled_by_user' }]);

    const outbox = await h.pool.query(
      "SELECT envelope FROM outbox WHERE type = 'payment.refunded' AND envelope->'data'->>'paymentId' = $1",
      [p.paymentId],
    );
    expect(outbox.rows).toHaveLength(1);
    const data = outbox.rows[0].envelope.data;
    expect(Value.Check(EventData['payment.refunded'], data)).toBe(true);
    expect(data).toEqual({
      paymentId: p.paymentId,
      bookingId: p.bookingId,
      userId: p.userId,
      amount: 900,
      reason: 'cancelled_by_user',
      contact: { phone: '+8801712345678', email: 'rahim@example.com', name: 'Rahim' },
    });
    expect(await refundsInLedger(p.bookingId)).toBe(1);

    const view = await h.app.inject({
      method: 'GET',
      url: `/api/payments/${p.paymentId}`,
      headers: await h.authHeader(p.userId),
    });
    expect(view.json()).toMatchObject({ status: 'REFUNDED', refundedAmount: 900 });
  });

  it('refunds once for duplicate and distinct events about the same payment, also concurrently', async () => {
    const p = await paidPayment({ method: 'bkash', walletNumber: '01812345678', pin: '12345' });
    const event = cancelled(p, { reason: 'hold_expired_before_payment' });
    const outcomes = await Promise.all([handle(event), handle(event), handle(cancelled(p)), handle(cancelled(p))]);
    expect(outcomes.filter((o) => o === 'refunded')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'already-refunded')).toHaveLength(3);
    expect(await refundsInLedger(p.bookingId)).toBe(1);
    const { rows } = await h.pool.query(
      "SELECT count(*)::int AS n FROM outbox WHERE type = 'payment.refunded' AND envelope->'data'->>'paymentId' = $1",
      [p.paymentId],
    );
    expect(rows[0].n).toBe(1);
  });

  it('refunds no more than was paid, and only what the cancellation grants', async () => {
    const over = await paidPayment();
    await handle(cancelled(over, { refundAmount: 5_000 }));
    expect((await h.provider.ledger(over.bookingId)).find((e) => e.type === 'refund')?.amount).toBe(900);

    const partial = await paidPayment();
    await handle(cancelled(partial, { refundAmount: 600 }));
    expect((await h.provider.ledger(partial.bookingId)).find((e) => e.type === 'refund')?.amount).toBe(600);

    const none = await paidPayment();
    expect(await handle(cancelled(none, { refundAmount: 0 }))).toBe('nothing-to-refund');
    expect(await refundsInLedger(none.bookingId)).toBe(0);
  });

  it('ignores cancellations without a payment, of unknown payments, and of payments never captured', async () => {
    const userId = newUserId();
    expect(await handle(cancelled({ userId, bookingId: randomUUID(), paymentId: null }))).toBe('no-payment');
    expect(await handle(cancelled({ userId, bookingId: randomUUID(), paymentId: randomUUID() }))).toBe('unknown-payment');

    const declined = await paidPayment({ method: 'card', cardNumber: '4000000000000002', expiry: '12/39', cvc: '123' });
    expect(declined.status).toBe('FAILED');
    expect(await handle(cancelled(declined))).toBe('not-paid');
    // A paymentId that belongs to another booking is not refunded either.
    const paid = await paidPayment();
    expect(await handle(cancelled({ ...paid, bookingId: randomUUID() }))).toBe('unknown-payment');
    const { rows } = await h.pool.query('SELECT status FROM payments WHERE id = $1', [paid.paymentId]);
    expect(rows[0].status).toBe('SUCCEEDED');
  });

  it('rolls back when the provider refuses the refund, so the event can be retried', async () => {
    const p = await paidPayment();
    const failing = {
      charge: h.provider.charge.bind(h.provider),
      resolveCharge: h.provider.resolveCharge.bind(h.provider),
      capturedCharges: h.provider.capturedCharges.bind(h.provider),
      refund: async () => {
        throw new ProviderError('provider timeout', true);
      },
    };
    await expect(
      withTransaction(h.pool, (db) => refundCancelledBooking({ provider: failing, logger }, cancelled(p), db)),
    ).rejects.toThrow('provider timeout');
    const { rows } = await h.pool.query('SELECT status FROM payments WHERE id = $1', [p.paymentId]);
    expect(rows[0].status).toBe('SUCCEEDED');
    expect(await handle(cancelled(p))).toBe('refunded');
  });
});
