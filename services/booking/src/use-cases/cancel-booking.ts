/**
 * DELETE /api/bookings/:id: the owner lets go of a booking. A hold (HELD / PENDING_PAYMENT) is released
 * without charge; a CONFIRMED booking is cancelled with a refund of what was paid. Either way the seats are
 * free at once. Idempotent: an expired or cancelled booking stays as it is.
 */
import type { AuthUser } from '@rail/auth-verify';
import type { ReleaseBookingResponse } from '@rail/contracts/booking';
import type { BookingDeps } from '../deps.js';
import { InvalidTransitionError } from '../domain/booking-state.js';
import { cancelConfirmedBooking } from './cancel-confirmed-booking.js';
import { releaseBooking } from './release-booking.js';

export const USER_CANCELLATION_REASON = 'CANCELLED_BY_USER';

export async function cancelBooking(deps: BookingDeps, user: AuthUser, bookingId: string): Promise<ReleaseBookingResponse> {
  try {
    return await releaseBooking(deps, user, bookingId);
  } catch (err) {
    // Only a confirmed booking refuses release; cancelling it locks the row again, so a race is settled there.
    if (!(err instanceof InvalidTransitionError) || err.from !== 'CONFIRMED') throw err;
  }
  const cancelled = await cancelConfirmedBooking(deps, { bookingId, reason: USER_CANCELLATION_REASON, userId: user.id });
  return { bookingId: cancelled.bookingId, status: cancelled.status };
}
