/**
 * The user lets go of a hold (HELD or PENDING_PAYMENT -> CANCELLED): the seats are free at once. Releasing
 * an already expired or released booking is a no-op; a confirmed booking is cancelled through payments.
 */
import type { AuthUser } from '@rail/auth-verify';
import type { ReleaseBookingResponse } from '@rail/contracts/booking';
import { withTransaction } from '@rail/db';
import { NotFoundError } from '@rail/errors';
import { applyChange, findBooking, releaseEntry, type Booking } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { applied, release } from '../domain/booking.js';

export const USER_RELEASE_REASON = 'RELEASED_BY_USER';

export async function releaseBooking(deps: BookingDeps, user: AuthUser, bookingId: string): Promise<ReleaseBookingResponse> {
  const { row, changed } = await withTransaction(deps.pool, async (client): Promise<{ row: Booking; changed: boolean }> => {
    const booking = await findBooking(client, bookingId, { userId: user.id, forUpdate: true });
    if (!booking) throw new NotFoundError('Booking not found', 'BOOKING_NOT_FOUND');
    const change = release(booking, USER_RELEASE_REASON);
    if (!change) return { row: booking, changed: false };
    await applyChange(client, change);
    return { row: applied(booking, change), changed: true };
  });
  if (changed) await deps.seats.release(row.trip_id, releaseEntry(row));
  return { bookingId: row.id, status: row.status };
}
