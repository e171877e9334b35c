/**
 * The user lets go of a hold (HELD or PENDING_PAYMENT -> CANCELLED): the seats are free at once. Releasing
 * an already expired or released booking is a no-op; a confirmed booking is cancelled through payments.
 */
import type { AuthUser } from '@rail/auth-verify';
import type { ReleaseBookingResponse } from '@rail/contracts/booking';
import { withTransaction } from '@rail/db';
import { NotFoundError } from '@rail/errors';
import { findBooking, setStatus, type BookingRow } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { transition } from '../domain/booking-state.js';
import { releaseEntry } from './verify-otp.js';
import { enqueueBookingCancelled } from '../events/booking-cancelled.js';

export async function releaseBooking(deps: BookingDeps, user: AuthUser, bookingId: string): Promise<ReleaseBookingResponse> {
  const { row, changed } = await withTransaction(deps.pool, async (client): Promise<{ row: BookingRow; changed: boolean }> => {
    const booking = await findBooking(client, bookingId, { userId: user.id, forUpdate: true });
    if (!booking) throw new NotFoundError('Booking not found', 'BOOKING_NOT_FOUND');
    if (booking.status === 'EXPIRED' || booking.status === 'CANCELLED') return { row: booking, changed: false };
    transition(booking.status, 'release');
    await setStatus(client, booking.id, 'CANCELLED', { cancel_reason: 'RELEASED_BY_USER', otp_hash: null });
    await enqueueBookingCancelled(client, booking, { reason: 'RELEASED_BY_USER', paymentId: null, refundAmount: 0 });
    return { row: { ...booking, status: 'CANCELLED' }, changed: true };
  });
  if (changed) await deps.seats.release(row.trip_id, releaseEntry(row));
  return { bookingId: row.id, status: row.status };
}
