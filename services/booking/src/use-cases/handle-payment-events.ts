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
import { enqueueEvent, type EventHeaders } from '@rail/messaging';
import { entryOf, findBooking, setStatus, type BookingRow } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { EXPIRING_STATUSES, transition } from '../domain/booking-state.js';
import { generateReference } from '../domain/reference.js';
import { contactOf, releaseEntry } from './verify-otp.js';
import { enqueueBookingCancelled } from '../events/booking-cancelled.js';

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
    transition(booking.status, 'pay');
    const catalog = await deps.inventories.get(booking.trip_id, 'bookingId');
    const reference = await assignReference(db, booking.id, data.paymentId);
    await enqueueEvent(
      db,
      'booking.confirmed',
      {
        bookingId: booking.id,
        reference,
        userId: booking.user_id,
        contact: contactOf(booking),
        tripId: booking.trip_id,
        trainName: catalog.inventory.trainName,
        trainNumber: catalog.inventory.trainNumber,
        date: catalog.inventory.date,
        from: booking.from_code,
        to: booking.to_code,
        departure: catalog.inventory.stops[booking.from_index]?.departure ?? null,
        seats: booking.seats,
        passengers: booking.passengers,
        amount: booking.amount,
        paymentId: data.paymentId,
      },
      headers,
    );
    const confirmed: BookingRow = { ...booking, status: 'CONFIRMED', reference, payment_id: data.paymentId, expires_at: null };
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
    transition(status, 'expire');
    await setStatus(db, booking.id, 'EXPIRED');
    await enqueueEvent(
      db,
      'booking.expired',
      { bookingId: booking.id, userId: booking.user_id, tripId: booking.trip_id, seatIds: booking.seats.map((s) => s.seatId) },
      headers,
    );
    status = 'EXPIRED';
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
  const requested = await requestRefundOnce(db, booking, data, reason, headers);
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
  const { rows } = await db.query<{ status: string }>('SELECT status FROM bookings WHERE id = $1', [data.bookingId]);
  const status = rows[0]?.status ?? null;
  deps.logger.info(
    { bookingId: data.bookingId, paymentId: data.paymentId, reason: data.reason, retryable: data.retryable, status },
    'payment failed; the booking waits for another attempt until its hold expires',
  );
  return { result: { bookingId: data.bookingId, status } };
}

async function assignReference(db: PoolClient, bookingId: string, paymentId: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const reference = generateReference();
    // A savepoint, so a (rare) reference collision retries without aborting the consumer's transaction.
    await db.query('SAVEPOINT reference');
    try {
      await db.query(
        `UPDATE bookings SET status = 'CONFIRMED', reference = $2, payment_id = $3, expires_at = NULL, updated_at = now() WHERE id = $1`,
        [bookingId, reference, paymentId],
      );
      await db.query('RELEASE SAVEPOINT reference');
      return reference;
    } catch (err) {
      await db.query('ROLLBACK TO SAVEPOINT reference');
      if ((err as { code?: string }).code !== '23505' || attempt >= 5) throw err;
    }
  }
}

/**
 * booking.cancelled carrying the payment to refund, once per payment whatever event brought it (a second
 * payment.succeeded event for the same payment has another event id).
 */
async function requestRefundOnce(
  db: PoolClient,
  booking: BookingRow,
  data: EventDataOf<'payment.succeeded'>,
  reason: RefundReason,
  headers: EventHeaders,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO processed_events (consumer, event_id) VALUES ('booking.refund-requested', $1) ON CONFLICT DO NOTHING`,
    [data.paymentId],
  );
  if (rowCount === 0) return false;
  await enqueueBookingCancelled(db, booking, { reason, paymentId: data.paymentId, refundAmount: data.amount }, headers);
  return true;
}
