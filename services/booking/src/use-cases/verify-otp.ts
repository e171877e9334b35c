/**
 * Checks the booking OTP: right -> PENDING_PAYMENT; wrong -> 400 with the attempts left; the last allowed
 * wrong code -> 429 and the hold is released at once (seats free for others).
 */
import type { AuthUser } from '@rail/auth-verify';
import type { VerifyOtpResponse } from '@rail/contracts/booking';
import { withTransaction } from '@rail/db';
import { AppError, NotFoundError, TooManyRequestsError } from '@rail/errors';
import { applyChange, entryOf, findBooking, releaseEntry, type Booking } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { applied, verifyOtp as checkOtp, type OtpCheck } from '../domain/booking.js';
import { otpMatches } from '../domain/otp.js';

export async function verifyOtp(deps: BookingDeps, user: AuthUser, bookingId: string, otp: string): Promise<VerifyOtpResponse> {
  const { booking, check } = await withTransaction(deps.pool, async (client): Promise<{ booking: Booking; check: OtpCheck }> => {
    const found = await findBooking(client, bookingId, { userId: user.id, forUpdate: true });
    if (!found) throw new NotFoundError('Booking not found', 'BOOKING_NOT_FOUND');
    const result = checkOtp(found, (hash) => otpMatches(deps.settings.otpPepper, found.id, otp, hash));
    if (result.change) await applyChange(client, result.change);
    return { booking: result.change ? applied(found, result.change) : found, check: result };
  });

  switch (check.kind) {
    case 'wrong':
      throw new AppError(400, 'OTP_INVALID', 'The code is wrong', { extensions: { attemptsLeft: check.attemptsLeft } });
    case 'locked':
      await deps.seats.release(booking.trip_id, releaseEntry(booking));
      throw new TooManyRequestsError('Too many wrong codes: the hold was released', 60, 'OTP_ATTEMPTS_EXCEEDED');
    case 'verified':
      if (check.change) await deps.seats.upsert(booking.trip_id, entryOf(booking));
      return {
        bookingId: booking.id,
        status: 'PENDING_PAYMENT',
        expiresAt: booking.expires_at!.toISOString(),
        amount: booking.amount,
        currency: 'BDT',
      };
  }
}
