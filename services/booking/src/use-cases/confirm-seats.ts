/**
 * Records the passengers of a held booking and sends the booking OTP to the account's phone (an
 * otp.requested event through the outbox, in the same transaction). The code is stored only hashed.
 */
import { randomUUID } from 'node:crypto';
import type { AuthUser } from '@rail/auth-verify';
import type { ConfirmSeatsBody, ConfirmSeatsResponse } from '@rail/contracts/booking';
import { withTransaction } from '@rail/db';
import { NotFoundError, ValidationError } from '@rail/errors';
import { applyChange, findBooking } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { requestOtp } from '../domain/booking.js';
import { generateOtp, hashOtp, maskPhone } from '../domain/otp.js';

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
    const code = generateOtp();
    const change = requestOtp(booking, {
      phone,
      passengers: body.passengers,
      code,
      codeHash: hashOtp(deps.settings.otpPepper, booking.id, code),
      requestId: randomUUID(),
    });
    await applyChange(client, change);
    const response: ConfirmSeatsResponse = {
      bookingId: booking.id,
      status: 'HELD',
      expiresAt: change.event.data.expiresAt,
      otpSentTo: maskPhone(phone),
    };
    if (deps.settings.otpDevEcho) response.devOtp = code;
    return response;
  });
}
