/**
 * Use-case level helpers: a traveller, a booking brought to PENDING_PAYMENT, what the payment.succeeded
 * consumer does (handler in one transaction, then its Redis effect), and a booking's events in the outbox.
 */
import { withTransaction, type Pool } from '@rail/db';
import { handlePaymentSucceeded, type PaymentSucceededOutcome } from '../../src/use-cases/handle-payment-events.js';
import { confirmSeats } from '../../src/use-cases/confirm-seats.js';
import { selectSeats } from '../../src/use-cases/select-seats.js';
import { verifyOtp } from '../../src/use-cases/verify-otp.js';
import type { Harness } from './harness.js';

export const user = (id: string) => ({ id, phone: '+8801711111111', name: id });
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function events(pool: Pool, type: string, bookingId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await pool.query(
    `SELECT envelope FROM outbox WHERE type = $1 AND envelope->'data'->>'bookingId' = $2 ORDER BY occurred_at`,
    [type, bookingId],
  );
  return rows.map((r) => r.envelope.data);
}

/** What the payment.succeeded consumer does: the handler in one transaction, then its Redis effect. */
export async function paid(h: Harness, bookingId: string, paymentId: string): Promise<PaymentSucceededOutcome> {
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

/** A booking awaiting payment (HELD -> confirm -> OTP -> PENDING_PAYMENT). */
export async function payable(h: Harness, tripId: number, userId: string, seats: number[]): Promise<string> {
  const held = await selectSeats(h.deps, user(userId), { tripId, seatIds: seats });
  const { devOtp } = await confirmSeats(h.deps, user(userId), {
    bookingId: held.bookingId,
    passengers: seats.map((_, i) => ({ name: `P${i}` })),
  });
  await verifyOtp(h.deps, user(userId), held.bookingId, devOtp!);
  return held.bookingId;
}
