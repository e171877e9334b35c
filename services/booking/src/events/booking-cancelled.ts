/**
 * The booking.cancelled event of a booking row, built in one place for every path that gives seats or money
 * back: a released hold, too many wrong OTPs, a cancelled confirmed booking, and a payment to be refunded.
 */
import type { Queryable } from '@rail/db';
import { enqueueEvent, type EventHeaders } from '@rail/messaging';
import type { BookingRow } from '../db/bookings-repo.js';
import { contactOf } from '../use-cases/verify-otp.js';

export interface CancellationDetails {
  reason: string;
  /** The payment to refund, if any; null when no money was taken. */
  paymentId: string | null;
  refundAmount: number;
}

export async function enqueueBookingCancelled(
  db: Queryable,
  booking: BookingRow,
  details: CancellationDetails,
  headers: EventHeaders = {},
): Promise<void> {
  await enqueueEvent(
    db,
    'booking.cancelled',
    {
      bookingId: booking.id,
      reference: booking.reference,
      userId: booking.user_id,
      contact: contactOf(booking),
      tripId: booking.trip_id,
      seatIds: booking.seats.map((s) => s.seatId),
      ...details,
    },
    headers,
  );
}
