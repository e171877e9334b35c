/**
 * CONFIRMED -> CANCELLED (with a refund of the amount paid): the seats are freed at once and
 * booking.cancelled carries the payment id so the payment service refunds it. Idempotent. Meant to be
 * wired to a cancellation request or consumer by the payments work.
 */
import { withTransaction } from '@rail/db';
import { NotFoundError } from '@rail/errors';
import { applyChange, findBooking, releaseEntry, type Booking } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { cancel } from '../domain/booking.js';

export async function cancelConfirmedBooking(
  deps: BookingDeps,
  input: { bookingId: string; reason: string; userId?: string },
): Promise<{ bookingId: string; status: 'CANCELLED'; changed: boolean; refundAmount: number }> {
  const { row, changed } = await withTransaction(deps.pool, async (client): Promise<{ row: Booking; changed: boolean }> => {
    const booking = await findBooking(client, input.bookingId, {
      forUpdate: true,
      ...(input.userId ? { userId: input.userId } : {}),
    });
    if (!booking) throw new NotFoundError('Booking not found', 'BOOKING_NOT_FOUND');
    const change = cancel(booking, input.reason);
    if (!change) return { row: booking, changed: false };
    await applyChange(client, change);
    return { row: booking, changed: true };
  });
  if (changed) await deps.seats.release(row.trip_id, releaseEntry(row));
  return { bookingId: row.id, status: 'CANCELLED', changed, refundAmount: row.amount };
}
