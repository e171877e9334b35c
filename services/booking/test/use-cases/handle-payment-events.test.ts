/**
 * What the payment.succeeded consumer runs (withTransaction + handlePaymentSucceeded + afterCommit, as the
 * consumer does): a live PENDING_PAYMENT booking is confirmed; any other payment is refunded, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { EventData } from '@rail/contracts/events';
import { isReference } from '../../src/domain/reference.js';
import { auditTrip } from '../../src/use-cases/audit-trip.js';
import { makeInventory, seatPicker } from '../helpers/fixtures.js';
import { events, paid, payable, sleep, user } from '../helpers/flows.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { selectSeats } from '../../src/use-cases/select-seats.js';

const trip = makeInventory(41);
const seat = seatPicker(trip);
let h: Harness;

beforeAll(async () => {
  h = await startHarness([trip], { holdTtlSeconds: 1 });
});
afterAll(() => h?.close());

describe('payment.succeeded', () => {
  it('confirms a paid booking with a short reference, idempotently, and emits booking.confirmed', async () => {
    h.deps.settings.holdTtlSeconds = 60;
    try {
      const id = await payable(h, 41, 'payer', [seat(20), seat(21)]);
      const paymentId = '11111111-1111-4111-8111-111111111111';
      const first = await paid(h, id, paymentId);
      expect(first).toMatchObject({ outcome: 'confirmed', bookingId: id });
      expect(first.outcome === 'confirmed' && isReference(first.reference)).toBe(true);
      const again = await paid(h, id, paymentId);
      expect(again).toEqual({
        outcome: 'already-confirmed',
        bookingId: id,
        reference: (first as { reference: string }).reference,
      });
      const confirmed = await events(h.pool, 'booking.confirmed', id);
      expect(confirmed).toHaveLength(1);
      expect(Value.Check(EventData['booking.confirmed'], confirmed[0])).toBe(true);
      expect(confirmed[0]).toMatchObject({ trainName: 'Subarna Express', from: 'DHK', to: 'CTG', paymentId });
      // confirmed seats never expire in Redis
      await sleep(1100);
      await expect(selectSeats(h.deps, user('after'), { tripId: 41, seatIds: [seat(20)] })).rejects.toMatchObject({
        code: 'SEAT_UNAVAILABLE',
      });
      expect(await auditTrip(h.deps, 41)).toEqual([]);

      // a second, different payment for the same booking is refunded
      const dup = await paid(h, id, '22222222-2222-4222-8222-222222222222');
      expect(dup).toMatchObject({ outcome: 'refund-requested', reason: 'DUPLICATE_PAYMENT' });
      expect((await h.pool.query(`SELECT status FROM bookings WHERE id = $1`, [id])).rows[0].status).toBe('CONFIRMED');
    } finally {
      h.deps.settings.holdTtlSeconds = 1;
    }
  });

  it('a payment after the hold ran out is refunded once, not confirmed', async () => {
    const id = await payable(h, 41, 'slow-payer', [seat(30)]);
    await sleep(1100);
    const paymentId = '33333333-3333-4333-8333-333333333333';
    expect(await paid(h, id, paymentId)).toMatchObject({ outcome: 'refund-requested', reason: 'PAID_AFTER_EXPIRY' });
    expect(await paid(h, id, paymentId)).toMatchObject({ outcome: 'refund-already-requested', reason: 'PAID_AFTER_EXPIRY' });
    const refunds = (await events(h.pool, 'booking.cancelled', id)).filter((e) => e.paymentId === paymentId);
    expect(refunds).toHaveLength(1);
    const { rows } = await h.pool.query(`SELECT status FROM bookings WHERE id = $1`, [id]);
    expect(rows[0].status).toBe('EXPIRED');
  });

  it('never confirms a booking that is not awaiting payment: a payment for a HELD one is refunded', async () => {
    const held = await selectSeats(h.deps, user('odd'), { tripId: 41, seatIds: [seat(40)] });
    // A payment for a HELD booking (OTP not verified) cannot confirm it: the consumer asks for a refund
    // rather than throwing, which would only dead-letter the money.
    const paymentId = '44444444-4444-4444-8444-444444444444';
    expect(await paid(h, held.bookingId, paymentId)).toMatchObject({
      outcome: 'refund-requested',
      reason: 'BOOKING_NOT_PAYABLE',
    });
    expect((await h.pool.query(`SELECT status FROM bookings WHERE id = $1`, [held.bookingId])).rows[0].status).toBe('HELD');
    expect(await events(h.pool, 'booking.confirmed', held.bookingId)).toEqual([]);
    expect(await events(h.pool, 'booking.cancelled', held.bookingId)).toEqual([
      expect.objectContaining({ paymentId, reason: 'BOOKING_NOT_PAYABLE' }),
    ]);
  });
});
