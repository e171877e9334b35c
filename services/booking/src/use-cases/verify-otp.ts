/**
 * Checks the booking OTP: right -> PENDING_PAYMENT; wrong -> 400 with the attempts left; the last allowed
 * wrong code -> 429 and the hold is released at once (seats free for others).
 */
import type { AuthUser } from '@rail/auth-verify';
import type { VerifyOtpResponse } from '@rail/contracts/booking';
import { withTransaction } from '@rail/db';
import { AppError, ConflictError, NotFoundError, TooManyRequestsError } from '@rail/errors';
import { entryOf, findBooking, setStatus, type BookingRow } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { transition } from '../domain/booking-state.js';
import { MAX_OTP_ATTEMPTS, otpMatches } from '../domain/otp.js';
import { enqueueBookingCancelled } from '../events/booking-cancelled.js';

type Outcome =
  { kind: 'verified'; row: BookingRow; changed: boolean } | { kind: 'wrong'; left: number } | { kind: 'locked'; row: BookingRow };

export async function verifyOtp(deps: BookingDeps, user: AuthUser, bookingId: string, otp: string): Promise<VerifyOtpResponse> {
  const outcome = await withTransaction(deps.pool, async (client): Promise<Outcome> => {
    const booking = await findBooking(client, bookingId, { userId: user.id, forUpdate: true });
    if (!booking) throw new NotFoundError('Booking not found', 'BOOKING_NOT_FOUND');
    if (booking.status === 'PENDING_PAYMENT') return { kind: 'verified', row: booking, changed: false };
    transition(booking.status, 'verifyOtp');
    if (booking.overdue)
      throw new ConflictError('HOLD_EXPIRED', 'The hold on these seats has run out', { bookingStatus: 'EXPIRED' });
    if (!booking.otp_hash) throw new ConflictError('OTP_NOT_REQUESTED', 'Confirm the passengers first to receive a code');
    if (otpMatches(deps.settings.otpPepper, booking.id, otp, booking.otp_hash)) {
      await setStatus(client, booking.id, 'PENDING_PAYMENT', { otp_hash: null });
      return { kind: 'verified', row: { ...booking, status: 'PENDING_PAYMENT' }, changed: true };
    }
    const attempts = booking.otp_attempts + 1;
    if (attempts >= MAX_OTP_ATTEMPTS) {
      transition(booking.status, 'release');
      await setStatus(client, booking.id, 'CANCELLED', {
        otp_attempts: attempts,
        otp_hash: null,
        cancel_reason: 'OTP_ATTEMPTS_EXCEEDED',
      });
      await enqueueBookingCancelled(client, booking, { reason: 'OTP_ATTEMPTS_EXCEEDED', paymentId: null, refundAmount: 0 });
      return { kind: 'locked', row: booking };
    }
    await client.query('UPDATE bookings SET otp_attempts = $2, updated_at = now() WHERE id = $1', [booking.id, attempts]);
    return { kind: 'wrong', left: MAX_OTP_ATTEMPTS - attempts };
  });

  switch (outcome.kind) {
    case 'wrong':
      throw new AppError(400, 'OTP_INVALID', 'The code is wrong', { extensions: { attemptsLeft: outcome.left } });
    case 'locked':
      await deps.seats.release(outcome.row.trip_id, releaseEntry(outcome.row));
      throw new TooManyRequestsError('Too many wrong codes: the hold was released', 60, 'OTP_ATTEMPTS_EXCEEDED');
    case 'verified':
      if (outcome.changed) await deps.seats.upsert(outcome.row.trip_id, entryOf(outcome.row));
      return {
        bookingId: outcome.row.id,
        status: 'PENDING_PAYMENT',
        expiresAt: outcome.row.expires_at!.toISOString(),
        amount: outcome.row.amount,
        currency: 'BDT',
      };
  }
}

export function contactOf(row: BookingRow): { phone?: string; email?: string; name?: string } {
  const contact: { phone?: string; email?: string; name?: string } = {};
  if (row.contact_phone) contact.phone = row.contact_phone;
  if (row.contact_email) contact.email = row.contact_email;
  if (row.contact_name) contact.name = row.contact_name;
  return contact;
}

export function releaseEntry(row: BookingRow): {
  bookingId: string;
  userId: string;
  seatIds: number[];
  from: string;
  to: string;
} {
  return {
    bookingId: row.id,
    userId: row.user_id,
    seatIds: row.seats.map((s) => s.seatId),
    from: row.from_code,
    to: row.to_code,
  };
}
