/**
 * Reconciliation over the real database, the durable mock provider and a stand-in booking service: each kind of
 * discrepancy is found, counted in the gauge and logged, resolved ones disappear, work in flight is left alone,
 * and an unavailable booking service does not fail the run.
 */
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { withTransaction } from '@rail/db';
import { createLogger } from '@rail/logger';
import { buildEnvelope } from '@rail/messaging';
import { TEST_CARDS } from '../../src/provider/mock-provider.js';
import { reconcile, reconciliationMetrics, type ReconcileOptions } from '../../src/use-cases/reconcile.js';
import { refundCancelledBooking } from '../../src/use-cases/refund-cancelled-booking.js';
import { createHarness, logger, newUserId, type Harness } from '../helpers.js';

let h: Harness;
const registry = new Registry();
const metrics = reconciliationMetrics(registry);
const lines: string[] = [];
const capturing = createLogger({
  service: 'payment-test',
  level: 'info',
  destination: new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  }),
});

beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

/** An hour from now: everything made by the test is past the grace period. */
const later = (): ReconcileOptions => ({ now: new Date(Date.now() + 3_600_000) });
const run = (options: ReconcileOptions = later()) =>
  reconcile({ pool: h.pool, provider: h.provider, bookings: h.createBookingClient(), logger: capturing, metrics }, options);

async function paid(status: 'CONFIRMED' | 'CANCELLED' | 'EXPIRED' = 'CONFIRMED') {
  const userId = newUserId();
  const booking = h.addBooking(userId, { amount: 800 });
  const headers = await h.authHeader(userId);
  const { paymentId } = (
    await h.app.inject({ method: 'POST', url: '/api/payments/initiate', headers, payload: { bookingId: booking.bookingId } })
  ).json();
  const res = await h.app.inject({
    method: 'POST',
    url: '/api/payments/verify',
    headers,
    payload: { paymentId, method: 'card', cardNumber: TEST_CARDS.success, expiry: '12/39', cvc: '123' },
  });
  expect(res.json().status).toBe('SUCCEEDED');
  h.bookingService.bookings.set(booking.bookingId, { ...booking, status });
  const { rows } = await h.pool.query('SELECT provider_reference FROM payments WHERE id = $1', [paymentId]);
  return { userId, bookingId: booking.bookingId, paymentId: paymentId as string, charge: rows[0].provider_reference as string };
}

async function gauge(kind: string): Promise<number | undefined> {
  const metric = await registry.getSingleMetric('payment_reconciliation_discrepancies')?.get();
  return metric?.values.find((v) => v.labels.kind === kind)?.value;
}

describe('reconcile', () => {
  it('finds nothing wrong with a paid, confirmed booking', async () => {
    const p = await paid('CONFIRMED');
    const report = await run();
    expect(report.found.filter((d) => d.paymentId === p.paymentId || d.subject === p.charge)).toEqual([]);
    expect(report.bookingsChecked).toBeGreaterThanOrEqual(1);
    expect(lines.at(-1)).toContain('reconciliation found no discrepancies');
  });

  it('flags a paid booking that was cancelled or expired without a refund, and clears it once refunded', async () => {
    const cancelled = await paid('CANCELLED');
    const expired = await paid('EXPIRED');
    const report = await run();
    const kinds = (id: string) => report.found.filter((d) => d.paymentId === id).map((d) => d.kind);
    expect(kinds(cancelled.paymentId)).toEqual(['paid_booking_not_active']);
    expect(kinds(expired.paymentId)).toEqual(['paid_booking_not_active']);
    expect(report.open.paid_booking_not_active).toBe(2);
    expect(await gauge('paid_booking_not_active')).toBe(2);
    const warning = JSON.parse(lines.at(-1) ?? '{}');
    expect(warning.level).toBe('warn');
    expect(warning.msg).toMatch(/reconciliation found 2 discrepancies/);

    // The dead-lettered cancellation is replayed: the refund happens, the finding goes.
    const event = buildEnvelope('booking.cancelled', {
      bookingId: cancelled.bookingId,
      reference: 'RX7K2M',
      userId: cancelled.userId,
      contact: { phone: '+8801712345678' },
      tripId: 42,
      seatIds: [1],
      reason: 'cancelled_by_user',
      paymentId: cancelled.paymentId,
      refundAmount: 800,
    });
    await withTransaction(h.pool, (db) => refundCancelledBooking({ provider: h.provider, logger }, event, db));
    const after = await run();
    expect(after.found.filter((d) => d.paymentId === cancelled.paymentId)).toEqual([]);
    expect(after.open.paid_booking_not_active).toBe(1);
    expect(await gauge('paid_booking_not_active')).toBe(1);
  });

  it('flags a captured charge that no payment records', async () => {
    const bookingId = randomUUID();
    const charge = await h.provider.charge({
      idempotencyKey: `orphan:${bookingId}`,
      amount: 650,
      currency: 'BDT',
      instrument: { method: 'bkash', number: '01711111111', last4: '1111', pin: '12345' },
      reference: bookingId,
    });
    if (charge.outcome !== 'succeeded') throw new Error('expected a charge');
    const report = await run();
    expect(report.found.filter((d) => d.subject === charge.providerReference)).toMatchObject([
      { kind: 'charge_without_payment', bookingId, paymentId: null },
    ]);
    expect(await gauge('charge_without_payment')).toBe(1);
  });

  it('flags a paid payment whose charge the provider does not have (the old in-memory ledger lost it)', async () => {
    const p = await paid('CONFIRMED');
    await h.pool.query("UPDATE payments SET provider_reference = 'ch_lost_' || id WHERE id = $1", [p.paymentId]);
    const report = await run();
    expect(report.found.filter((d) => d.paymentId === p.paymentId).map((d) => d.kind)).toEqual(['payment_without_charge']);
    // The provider's own charge of that booking now has no payment recording it either.
    expect(report.found.filter((d) => d.subject === p.charge).map((d) => d.kind)).toEqual(['charge_without_payment']);
    expect(await gauge('payment_without_charge')).toBe(1);

    // Put right: both findings disappear on the next run.
    await h.pool.query('UPDATE payments SET provider_reference = $2 WHERE id = $1', [p.paymentId, p.charge]);
    const after = await run();
    expect(after.found.filter((d) => d.paymentId === p.paymentId || d.subject === p.charge)).toEqual([]);
    expect(after.open.payment_without_charge).toBe(0);
  });

  it('flags a refund the provider made that the service never recorded', async () => {
    const p = await paid('CONFIRMED');
    await h.provider.refund({ idempotencyKey: `refund:${p.paymentId}`, chargeReference: p.charge, amount: 300 });
    const report = await run();
    expect(report.found.filter((d) => d.paymentId === p.paymentId)).toMatchObject([
      { kind: 'refund_mismatch', detail: 'provider refunded 300, the service recorded 0' },
    ]);
    expect(await gauge('refund_mismatch')).toBe(1);
  });

  it('leaves work in flight alone (younger than the grace period)', async () => {
    const p = await paid('CANCELLED');
    const report = await run({ now: new Date(), graceMs: 60_000 });
    expect(report.found.filter((d) => d.paymentId === p.paymentId || d.subject === p.charge)).toEqual([]);
  });

  it('still compares the provider side when the booking service is down, and asks it again next run', async () => {
    h.bookingService.failWith = 500;
    try {
      const report = await run();
      expect(report.bookingsChecked).toBe(0);
      expect(report.open.refund_mismatch).toBe(1);
      expect(lines.some((l) => l.includes('booking service unavailable'))).toBe(true);
    } finally {
      h.bookingService.failWith = null;
    }
    const { rows } = await h.pool.query(
      "SELECT count(*)::int AS n FROM payments WHERE status = 'SUCCEEDED' AND booking_checked_at IS NULL",
    );
    expect(rows[0].n).toBeGreaterThan(0);
    const back = await run();
    expect(back.bookingsChecked).toBeGreaterThan(0);
  });
});
