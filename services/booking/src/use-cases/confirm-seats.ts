/**
 * Records the passengers of a held booking and sends the booking OTP to the account's phone (an
 * otp.requested event through the outbox, in the same transaction). The code is stored only hashed.
 */
import { randomUUID } from 'node:crypto';
import type { AuthUser } from '@rail/auth-verify';
import type { ConfirmSeatsBody, ConfirmSeatsResponse } from '@rail/contracts/booking';
import { withTransaction } from '@rail/db';
import { ConflictError, NotFoundError, TooManyRequestsError, ValidationError } from '@rail/errors';
import { enqueueEvent } from '@rail/messaging';
import { findBooking } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { generateOtp, hashOtp, maskPhone, MAX_OTP_SENDS } from '../domain/otp.js';

export async function confirmSeats(deps: BookingDeps, user: AuthUser, body: ConfirmSeatsBody): Promise<ConfirmSeatsResponse> {
  const phone = user.phone;
  if (!phone) {
    throw new ValidationError(
      'Your account has no phone number to send the booking code to',
      [{ field: 'token.phone', message: 'is required to send the booking OTP' }],
      'PHONE_REQUIRED',
    );
  }
  return withTransaction(deps.pool, async (client) => {
    const booking = await findBooking(client, body.bookingId, { userId: user.id, forUpdate: true });
    if (!booking) throw new NotFoundError('Booking not found', 'BOOKING_NOT_FOUND');
    if (booking.status !== 'HELD') {
      throw new ConflictError(
        'BOOKING_NOT_HELD',
        `The booking is ${booking.status}; passengers can only be added to a held booking`,
        {
          bookingStatus: booking.status,
        },
      );
    }
    if (booking.overdue)
      throw new ConflictError('HOLD_EXPIRED', 'The hold on these seats has run out', { bookingStatus: 'EXPIRED' });
    if (body.passengers.length !== booking.seats.length) {
      throw ValidationError.field(
        'body.passengers',
        `must list exactly ${booking.seats.length} passengers, one per seat`,
        'PASSENGER_COUNT',
      );
    }
    if (booking.otp_sends >= MAX_OTP_SENDS) {
      throw new TooManyRequestsError('Too many codes sent for this booking', 60, 'OTP_SEND_LIMIT');
    }
    const otp = generateOtp();
    const expiresAt = booking.expires_at!.toISOString();
    await client.query(
      `UPDATE bookings SET passengers = $2, otp_hash = $3, otp_sends = otp_sends + 1, contact_phone = $4, updated_at = now() WHERE id = $1`,
      [booking.id, JSON.stringify(body.passengers), hashOtp(deps.settings.otpPepper, booking.id, otp), phone],
    );
    await enqueueEvent(client, 'otp.requested', {
      requestId: randomUUID(),
      phone,
      purpose: 'booking',
      code: otp,
      expiresAt,
      bookingId: booking.id,
    });
    const response: ConfirmSeatsResponse = { bookingId: booking.id, status: 'HELD', expiresAt, otpSentTo: maskPhone(phone) };
    if (deps.settings.otpDevEcho) response.devOtp = otp;
    return response;
  });
}
