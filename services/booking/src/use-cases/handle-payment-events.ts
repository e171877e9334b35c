/**
 * What a payment outcome does to a booking, inside the consumer's transaction (the one that records the
 * event as processed), so the state change, its outbox events and the dedupe record commit together.
 *
 * payment.succeeded: a live PENDING_PAYMENT booking becomes CONFIRMED with a reference and booking.confirmed
 * (the e-ticket). Otherwise the money goes back: booking.cancelled with the paymentId and refundAmount asks the
 * payment service to refund, once per payment; the booking keeps its state (EXPIRED stays EXPIRED, a
 * CONFIRMED one paid twice stays CONFIRMED) and freed seats stay free. A payment that arrives after the hold
 * ran out but before the expiry job saw it expires the booking first.
 *
 * payment.failed: no transition; the booking stays PENDING_PAYMENT until it expires, so the traveller can retry.
 *
 * Redis changes are returned as an after-commit effect: the cache never runs ahead of PostgreSQL.
 */
import type { EventDataOf } from '@rail/contracts/events';
import type { PoolClient } from '@rail/db';
import type { EventHeaders } from '@rail/messaging';
import {
  applyChange,
  applyChangeWithUniqueRetry,
  claimRefund,
  entryOf,
  findBooking,
  findStatus,
  releaseEntry,
} from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { EXPIRING_STATUSES } from '../domain/booking-state.js';
import { applied, confirm, expire, refundPayment } from '../domain/booking.js';
import { generateReference } from '../domain/reference.js';

export type RefundReason = 'PAID_AFTER_EXPIRY' | 'PAID_AFTER_CANCELLATION' | 'DUPLICATE_PAYMENT' | 'BOOKING_NOT_PAYABLE';

export type PaymentSucceededOutcome =
  | { outcome: 'confirmed'; bookingId: string; reference: string }
  | { outcome: 'already-confirmed'; bookingId: string; reference: string }
  | { outcome: 'refund-requested'; bookingId: string; reason: RefundReason }
  | { outcome: 'refund-already-requested'; bookingId: string; reason: RefundReason };

export interface Handled<T> {
  result: T;
  /** Redis work to run once the transaction committed (none when nothing changed). */
  afterCommit?: () => Promise<void>;
}

export class UnknownBookingError extends Error {
  constructor(bookingId: string) {
    super(`payment names booking ${bookingId}, which does not exist`);
    this.name = 'UnknownBookingError';
  }
}

export async function handlePaymentSucceeded(
  deps: BookingDeps,
  db: PoolClient,
  data: EventDataOf<'payment.succeeded'>,
  headers: EventHeaders = {},
): Promise<Handled<PaymentSucceededOutcome>> {
  const booking = await findBooking(db, data.bookingId, { forUpdate: true });
  // The payment service charges only for bookings it read from us: a missing one is an anomaly to dead-letter.
  if (!booking) throw new UnknownBookingError(data.bookingId);

  if (booking.status === 'CONFIRMED' && booking.payment_id === data.paymentId) {
    return { result: { outcome: 'already-confirmed', bookingId: booking.id, reference: booking.reference! } };
  }

  if (booking.status === 'PENDING_PAYMENT' && !booking.overdue) {
    const catalog = await deps.inventories.get(booking.trip_id, 'bookingId');
    // A fresh reference per attempt: a (rare) collision with another booking's retries with a new one.
    // confirm() of a live PENDING_PAYMENT booking always is a change (never the null of a repeat).
    const change = await applyChangeWithUniqueRetry(
      db,
      () => confirm(booking, data, generateReference(), catalog.inventory)!,
      headers,
    );
    const confirmed = applied(booking, change);
    const reference = confirmed.reference!;
    return {
      result: { outcome: 'confirmed', bookingId: booking.id, reference },
      // Hold -> booked in Redis: a confirmed seat never expires there.
      afterCommit: async () => void (await deps.seats.upsert(booking.trip_id, entryOf(confirmed))),
    };
  }

  // The money cannot buy these seats: refund it.
  let afterCommit: (() => Promise<void>) | undefined;
  let status = booking.status;
  if (EXPIRING_STATUSES.includes(status) && booking.overdue) {
    // Paid after the hold ran out, before the expiry job got to it: expire now, as the job would have.
    const change = expire(booking)!;
    await applyChange(db, change, headers);
    status = change.to;
    afterCommit = async () => void (await deps.seats.release(booking.trip_id, releaseEntry(booking)));
  }
  const reason: RefundReason =
    status === 'EXPIRED'
      ? 'PAID_AFTER_EXPIRY'
      : status === 'CANCELLED'
        ? 'PAID_AFTER_CANCELLATION'
        : status === 'CONFIRMED'
          ? 'DUPLICATE_PAYMENT'
          : 'BOOKING_NOT_PAYABLE';
  // Once per payment, whatever event brought it.
  const requested = await claimRefund(db, data.paymentId);
  if (requested) await applyChange(db, refundPayment(booking, data, reason), headers);
  return {
    result: { outcome: requested ? 'refund-requested' : 'refund-already-requested', bookingId: booking.id, reason },
    ...(afterCommit ? { afterCommit } : {}),
  };
}

/** A failed payment changes nothing: the hold runs on, and the traveller may pay again before it expires. */
export async function handlePaymentFailed(
  deps: BookingDeps,
  db: PoolClient,
  data: EventDataOf<'payment.failed'>,
): Promise<Handled<{ bookingId: string; status: string | null }>> {
  const status = await findStatus(db, data.bookingId);
  deps.logger.info(
    { bookingId: data.bookingId, paymentId: data.paymentId, reason: data.reason, retryable: data.retryable, status },
    'payment failed; the booking waits for another attempt until its hold expires',
  );
  return { result: { bookingId: data.bookingId, status } };
}
