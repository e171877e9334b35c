/**
 * Time-driven and payment-driven transitions against the real stores: holds expire (the next user gets the
 * seat and the database constraint accepts it), the expiry job and the sweeper, and the use-cases the
 * payment.succeeded consumer runs (withTransaction + handlePaymentSucceeded + afterCommit, as the consumer does),
 * cancelling a confirmed booking, expiring one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { withTransaction } from '@rail/db';
import { EventData } from '@rail/contracts/events';
import { makeInventory } from '../helpers/fixtures.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { selectSeats } from '../../src/use-cases/select-seats.js';
import { confirmSeats } from '../../src/use-cases/confirm-seats.js';
import { verifyOtp } from '../../src/use-cases/verify-otp.js';
import { handlePaymentSucceeded, type PaymentSucceededOutcome } from '../../src/use-cases/handle-payment-events.js';
import { cancelConfirmedBooking } from '../../src/use-cases/cancel-confirmed-booking.js';
import { expireBooking, expireOverdueBookings, sweepRedisHolds } from '../../src/use-cases/expire-bookings.js';
import { isReference } from '../../src/domain/reference.js';
import { auditTrip } from '../../src/use-cases/audit-trip.js';

const trip = makeInventory(41);
const seat = (n: number): number => trip.coaches[Math.floor(n / 55)]!.seats[n % 55]!.seatId;
let h: Harness;
const user = (id: string) => ({ id, phone: '+8801711111111', name: id });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  h = await startHarness([trip], { holdTtlSeconds: 1 });
});
afterAll(() => h?.close());

async function events(type: string, bookingId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await h.pool.query(`SELECT envelope FROM outbox WHERE type = $1 AND envelope->'data'->>'bookingId' = $2`, [
    type,
    bookingId,
  ]);
  return rows.map((r) => r.envelope.data);
}

/** What the payment.succeeded consumer does: the handler in one transaction, then its Redis effect. */
async function paid(bookingId: string, paymentId: string): Promise<PaymentSucceededOutcome> {
  const { rows } = await h.pool.query(`SELECT user_id, amount FROM bookings WHERE id = $1`, [bookingId]);
  const data = {
    paymentId,
    bookingId,
    userId: rows[0]?.user_id ?? 'nobody',
    amount: rows[0]?.amount ?? 1,
    method: 'card',
    providerReference: `test-${paymentId.slice(0, 8)}`,
  };
  const { result, afterCommit } = await withTransaction(h.pool, (db) => handlePaymentSucceeded(h.deps, db, data));
  await afterCommit?.();
  return result;
}

async function payable(userId: string, seats: number[]): Promise<string> {
  const held = await selectSeats(h.deps, user(userId), { tripId: 41, seatIds: seats });
  const { devOtp } = await confirmSeats(h.deps, user(userId), {
    bookingId: held.bookingId,
    passengers: seats.map((_, i) => ({ name: `P${i}` })),
  });
  await verifyOtp(h.deps, user(userId), held.bookingId, devOtp!);
  return held.bookingId;
}

describe('expiry', () => {
  it('after the hold time the seat is free for the next user and PostgreSQL accepts the new hold', async () => {
    const first = await selectSeats(h.deps, user('early'), { tripId: 41, seatIds: [seat(0)] });
    await expect(selectSeats(h.deps, user('eager'), { tripId: 41, seatIds: [seat(0)] })).rejects.toMatchObject({
      code: 'SEAT_UNAVAILABLE',
    });
    await sleep(1100);
    const second = await selectSeats(h.deps, user('late'), { tripId: 41, seatIds: [seat(0)] });
    const { rows } = await h.pool.query(`SELECT id, status FROM bookings WHERE id = ANY($1::uuid[]) ORDER BY created_at`, [
      [first.bookingId, second.bookingId],
    ]);
    expect(rows).toEqual([
      { id: first.bookingId, status: 'EXPIRED' },
      { id: second.bookingId, status: 'HELD' },
    ]);
    expect(await events('booking.expired', first.bookingId)).toHaveLength(1);
    // the expired holder can no longer go on
    await expect(
      confirmSeats(h.deps, user('early'), { bookingId: first.bookingId, passengers: [{ name: 'x' }] }),
    ).rejects.toMatchObject({ status: 409 });
  });

  it('the expiry job marks overdue bookings EXPIRED, frees them in Redis and enqueues booking.expired once', async () => {
    const a = await selectSeats(h.deps, user('job-a'), { tripId: 41, seatIds: [seat(5), seat(6)] });
    await sleep(1100);
    const results = await Promise.all([
      expireOverdueBookings(h.deps),
      expireOverdueBookings(h.deps),
      expireOverdueBookings(h.deps),
    ]);
    expect(results.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(1);
    const { rows } = await h.pool.query(`SELECT status FROM bookings WHERE id = $1`, [a.bookingId]);
    expect(rows[0].status).toBe('EXPIRED');
    const expired = await events('booking.expired', a.bookingId);
    expect(expired).toHaveLength(1);
    expect(Value.Check(EventData['booking.expired'], expired[0])).toBe(true);
    const snapshot = await h.deps.seats.snapshot(41);
    expect(snapshot!.seats.has(seat(5))).toBe(false);
    expect(await h.redis.zscore(h.deps.seats.keys(41).expiry, a.bookingId)).toBeNull();
  });

  it('the sweeper removes expired holds from Redis even before the database job runs', async () => {
    const a = await selectSeats(h.deps, user('sweep'), { tripId: 41, seatIds: [seat(8)] });
    expect(await h.redis.hget(h.deps.seats.keys(41).seats, String(seat(8)))).toContain(a.bookingId);
    await sleep(1100);
    expect(await sweepRedisHolds(h.deps)).toBeGreaterThanOrEqual(1);
    expect(await h.redis.hget(h.deps.seats.keys(41).seats, String(seat(8)))).toBeNull();
    expect(await h.redis.hget(h.deps.seats.keys(41).users, 'sweep')).toBeNull();
  });
});

describe('payment-driven use-cases', () => {
  it('confirms a paid booking with a short reference, idempotently, and emits booking.confirmed', async () => {
    h.deps.settings.holdTtlSeconds = 60;
    try {
      const id = await payable('payer', [seat(20), seat(21)]);
      const paymentId = '11111111-1111-4111-8111-111111111111';
      const first = await paid(id, paymentId);
      expect(first).toMatchObject({ outcome: 'confirmed', bookingId: id });
      expect(first.outcome === 'confirmed' && isReference(first.reference)).toBe(true);
      const again = await paid(id, paymentId);
      expect(again).toEqual({
        outcome: 'already-confirmed',
        bookingId: id,
        reference: (first as { reference: string }).reference,
      });
      const confirmed = await events('booking.confirmed', id);
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
      const dup = await paid(id, '22222222-2222-4222-8222-222222222222');
      expect(dup).toMatchObject({ outcome: 'refund-requested', reason: 'DUPLICATE_PAYMENT' });
      expect((await h.pool.query(`SELECT status FROM bookings WHERE id = $1`, [id])).rows[0].status).toBe('CONFIRMED');

      // cancelling the confirmed booking frees the seats and asks for the refund
      const cancelled = await cancelConfirmedBooking(h.deps, { bookingId: id, reason: 'USER_REQUEST' });
      expect(cancelled).toMatchObject({ status: 'CANCELLED', changed: true, refundAmount: confirmed[0]!.amount });
      expect((await cancelConfirmedBooking(h.deps, { bookingId: id, reason: 'USER_REQUEST' })).changed).toBe(false);
      const cancelEvents = (await events('booking.cancelled', id)).filter((e) => e.reason === 'USER_REQUEST');
      expect(cancelEvents).toEqual([expect.objectContaining({ paymentId, refundAmount: confirmed[0]!.amount })]);
      await expect(selectSeats(h.deps, user('after'), { tripId: 41, seatIds: [seat(20)] })).resolves.toMatchObject({
        status: 'HELD',
      });
    } finally {
      h.deps.settings.holdTtlSeconds = 1;
    }
  });

  it('a payment after the hold ran out is refunded once, not confirmed', async () => {
    const id = await payable('slow-payer', [seat(30)]);
    await sleep(1100);
    const paymentId = '33333333-3333-4333-8333-333333333333';
    expect(await paid(id, paymentId)).toMatchObject({ outcome: 'refund-requested', reason: 'PAID_AFTER_EXPIRY' });
    expect(await paid(id, paymentId)).toMatchObject({ outcome: 'refund-already-requested', reason: 'PAID_AFTER_EXPIRY' });
    const refunds = (await events('booking.cancelled', id)).filter((e) => e.paymentId === paymentId);
    expect(refunds).toHaveLength(1);
    const { rows } = await h.pool.query(`SELECT status FROM bookings WHERE id = $1`, [id]);
    expect(rows[0].status).toBe('EXPIRED');
  });

  it('never confirms a booking that is not awaiting payment, refuses invalid transitions with a typed error and expires idempotently', async () => {
    const held = await selectSeats(h.deps, user('odd'), { tripId: 41, seatIds: [seat(40)] });
    // A payment for a HELD booking (OTP not verified) cannot confirm it: the consumer asks for a refund
    // rather than throwing, which would only dead-letter the money.
    const paymentId = '44444444-4444-4444-8444-444444444444';
    expect(await paid(held.bookingId, paymentId)).toMatchObject({ outcome: 'refund-requested', reason: 'BOOKING_NOT_PAYABLE' });
    expect((await h.pool.query(`SELECT status FROM bookings WHERE id = $1`, [held.bookingId])).rows[0].status).toBe('HELD');
    expect(await events('booking.confirmed', held.bookingId)).toEqual([]);
    expect(await events('booking.cancelled', held.bookingId)).toEqual([
      expect.objectContaining({ paymentId, reason: 'BOOKING_NOT_PAYABLE' }),
    ]);
    await expect(cancelConfirmedBooking(h.deps, { bookingId: held.bookingId, reason: 'x' })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
    });
    expect(await expireBooking(h.deps, held.bookingId)).toEqual({ bookingId: held.bookingId, changed: true });
    expect(await expireBooking(h.deps, held.bookingId)).toEqual({ bookingId: held.bookingId, changed: false });
    await expect(expireBooking(h.deps, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404 });
  });
});
