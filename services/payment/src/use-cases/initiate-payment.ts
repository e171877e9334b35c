/**
 * Initiates a payment for a booking: the amount comes from the booking service; only the booking's owner may
 * pay it, and only while it awaits payment. Idempotent per booking: while the booking has an open payment
 * (INITIATED or FAILED, still payable), that payment is returned instead of a new one.
 */
import { randomUUID } from 'node:crypto';
import { AppError, ConflictError, NotFoundError } from '@rail/errors';
import type { Pool } from '@rail/db';
import type { InitiatePaymentResponse } from '@rail/contracts/payment';
import type { BookingClient } from '../clients/booking-client.js';
import { findOpenPayment, insertPaymentIfNoneOpen, type PaymentRow } from '../db/payments.js';

export interface InitiatePaymentDeps {
  pool: Pool;
  bookings: BookingClient;
  now?: () => Date;
}

export interface InitiatePaymentResult {
  payment: InitiatePaymentResponse;
  /** False when an existing open payment was returned. */
  created: boolean;
}

function toResponse(row: PaymentRow): InitiatePaymentResponse {
  return { paymentId: row.id, bookingId: row.booking_id, amount: row.amount, currency: 'BDT', status: row.status };
}

function openPaymentResult(row: PaymentRow): InitiatePaymentResult {
  if (row.status === 'SUCCEEDED') {
    throw new ConflictError('BOOKING_ALREADY_PAID', 'This booking has already been paid', { paymentId: row.id });
  }
  return { payment: toResponse(row), created: false };
}

export async function initiatePayment(
  deps: InitiatePaymentDeps,
  input: { userId: string; bookingId: string },
): Promise<InitiatePaymentResult> {
  const booking = await deps.bookings.getBooking(input.bookingId);
  // Someone else's booking is reported exactly like a missing one: ids are not to be probed.
  if (!booking || booking.userId !== input.userId) throw new NotFoundError('No such booking', 'BOOKING_NOT_FOUND');

  const existing = await findOpenPayment(deps.pool, input.bookingId);
  if (existing?.status === 'SUCCEEDED') return openPaymentResult(existing);

  if (booking.status !== 'PENDING_PAYMENT') {
    throw new ConflictError(
      'BOOKING_NOT_PAYABLE',
      `The booking is ${booking.status}; only a booking awaiting payment can be paid`,
      {
        bookingStatus: booking.status,
      },
    );
  }
  const now = (deps.now ?? (() => new Date()))();
  if (booking.expiresAt !== null && Date.parse(booking.expiresAt) <= now.getTime()) {
    throw new ConflictError('BOOKING_EXPIRED', 'The seat hold for this booking has expired', { bookingStatus: 'EXPIRED' });
  }
  if (booking.amount <= 0) throw new AppError(409, 'BOOKING_NOT_PAYABLE', 'The booking has nothing to pay');
  if (existing) return openPaymentResult(existing);

  const inserted = await insertPaymentIfNoneOpen(deps.pool, {
    id: randomUUID(),
    bookingId: booking.bookingId,
    userId: input.userId,
    amount: booking.amount,
  });
  if (inserted) return { payment: toResponse(inserted), created: true };
  // A concurrent initiate for the same booking won the insert: answer with its payment.
  const winner = await findOpenPayment(deps.pool, input.bookingId);
  if (!winner) throw new ConflictError('PAYMENT_CONFLICT', 'The payment changed while it was being created; try again');
  return openPaymentResult(winner);
}
