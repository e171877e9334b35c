/**
 * payment.succeeded -> CONFIRMED with a short reference, and booking.confirmed for the ticket. Idempotent:
 * a repeat for the same payment returns the confirmed booking. A payment that arrives after the hold ran
 * out (or was released) cannot get the seats back: it yields a booking.cancelled asking for a refund, once.
 * Meant to be called by the payment.succeeded consumer.
 */
import { withTransaction, type PoolClient } from '@rail/db';
import { NotFoundError } from '@rail/errors';
import { enqueueEvent } from '@rail/messaging';
import { entryOf, findBooking, setStatus, type BookingRow } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { transition } from '../domain/booking-state.js';
import { generateReference } from '../domain/reference.js';
import { contactOf, releaseEntry } from './verify-otp.js';

export type ConfirmPaidOutcome =
  | { outcome: 'confirmed'; bookingId: string; reference: string; changed: boolean }
  | { outcome: 'refund'; bookingId: string; reason: string };

export async function confirmPaidBooking(
  deps: BookingDeps,
  input: { bookingId: string; paymentId: string },
): Promise<ConfirmPaidOutcome> {
  let release: BookingRow | null = null;
  const result = await withTransaction(deps.pool, async (client): Promise<ConfirmPaidOutcome & { row?: BookingRow }> => {
    const booking = await findBooking(client, input.bookingId, { forUpdate: true });
    if (!booking) throw new NotFoundError('Booking not found', 'BOOKING_NOT_FOUND');
    if (booking.status === 'CONFIRMED' && booking.payment_id === input.paymentId) {
      return { outcome: 'confirmed', bookingId: booking.id, reference: booking.reference!, changed: false };
    }
    const late = booking.status === 'PENDING_PAYMENT' && booking.overdue;
    if (late) {
      transition(booking.status, 'expire');
      await setStatus(client, booking.id, 'EXPIRED');
      await enqueueEvent(client, 'booking.expired', {
        bookingId: booking.id,
        userId: booking.user_id,
        tripId: booking.trip_id,
        seatIds: booking.seats.map((s) => s.seatId),
      });
      release = booking;
    }
    if (late || booking.status === 'EXPIRED' || booking.status === 'CANCELLED' || booking.status === 'CONFIRMED') {
      const reason = booking.status === 'CONFIRMED' ? 'DUPLICATE_PAYMENT' : 'PAYMENT_AFTER_HOLD_ENDED';
      await refundOnce(client, booking, input.paymentId, reason);
      return { outcome: 'refund', bookingId: booking.id, reason };
    }
    transition(booking.status, 'pay');
    const reference = await assignReference(client, booking.id, input.paymentId);
    const catalog = await deps.inventories.get(booking.trip_id, 'bookingId');
    await enqueueEvent(client, 'booking.confirmed', {
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
      paymentId: input.paymentId,
    });
    return { outcome: 'confirmed', bookingId: booking.id, reference, changed: true, row: { ...booking, status: 'CONFIRMED' } };
  });
  if (release) await deps.seats.release((release as BookingRow).trip_id, releaseEntry(release));
  if (result.outcome === 'confirmed' && result.changed && result.row)
    await deps.seats.upsert(result.row.trip_id, entryOf(result.row));
  const { row: _row, ...outcome } = result;
  return outcome;
}

async function assignReference(client: PoolClient, bookingId: string, paymentId: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const reference = generateReference();
    await client.query('SAVEPOINT reference');
    try {
      await client.query(
        `UPDATE bookings SET status = 'CONFIRMED', reference = $2, payment_id = $3, expires_at = NULL, updated_at = now() WHERE id = $1`,
        [bookingId, reference, paymentId],
      );
      await client.query('RELEASE SAVEPOINT reference');
      return reference;
    } catch (err) {
      await client.query('ROLLBACK TO SAVEPOINT reference');
      if ((err as { code?: string }).code !== '23505' || attempt >= 5) throw err;
    }
  }
}

/** One refund request per (booking, payment): the payment id is remembered on the booking. */
async function refundOnce(client: PoolClient, booking: BookingRow, paymentId: string, reason: string): Promise<void> {
  const { rowCount } = await client.query(
    `INSERT INTO processed_events (consumer, event_id) VALUES ('booking.refund-requested', $1) ON CONFLICT DO NOTHING`,
    [paymentId],
  );
  if (rowCount === 0) return;
  await enqueueEvent(client, 'booking.cancelled', {
    bookingId: booking.id,
    reference: booking.reference,
    userId: booking.user_id,
    contact: contactOf(booking),
    tripId: booking.trip_id,
    seatIds: booking.seats.map((s) => s.seatId),
    reason,
    paymentId,
    refundAmount: booking.amount,
  });
}
