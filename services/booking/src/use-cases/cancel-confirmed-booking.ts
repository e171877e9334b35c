/**
 * CONFIRMED -> CANCELLED (with a refund of the amount paid): the seats are freed at once and
 * booking.cancelled carries the payment id so the payment service refunds it. Idempotent. Meant to be
 * wired to a cancellation request or consumer by the payments work.
 */
import { withTransaction } from '@rail/db';
import { NotFoundError } from '@rail/errors';
import { findBooking, setStatus, type BookingRow } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { transition } from '../domain/booking-state.js';
import { releaseEntry } from './verify-otp.js';
import { enqueueBookingCancelled } from '../events/booking-cancelled.js';

export async function cancelConfirmedBooking(
  deps: BookingDeps,
  input: { bookingId: string; reason: string; userId?: string },
): Promise<{ bookingId: string; status: 'CANCELLED'; changed: boolean; refundAmount: number }> {
  const { row, changed } = await withTransaction(deps.pool, async (client): Promise<{ row: BookingRow; changed: boolean }> => {
    const booking = await findBooking(client, input.bookingId, {
      forUpdate: true,
      ...(input.userId ? { userId: input.userId } : {}),
    });
    if (!booking) throw new NotFoundError('Booking not found', 'BOOKING_NOT_FOUND');
    const t = transition(booking.status, 'cancel');
    if (!t.changed) return { row: booking, changed: false };
    await setStatus(client, booking.id, 'CANCELLED', { cancel_reason: input.reason });
    await enqueueBookingCancelled(client, booking, {
      reason: input.reason,
      paymentId: booking.payment_id,
      refundAmount: booking.amount,
    });
    return { row: booking, changed: true };
  });
  if (changed) await deps.seats.release(row.trip_id, releaseEntry(row));
  return { bookingId: row.id, status: 'CANCELLED', changed, refundAmount: row.amount };
}
