/**
 * Refunds the payment of a cancelled booking (booking.cancelled carrying a paymentId): a confirmed booking
 * cancelled by its owner, or a payment that succeeded after the seat hold had expired. Runs inside the
 * consumer's transaction (the one that records the event as processed), and is idempotent per payment as well
 * as per event: the payment row is locked, only a SUCCEEDED payment is refunded, `refunds.payment_id` is unique,
 * and the provider refund carries the key `refund:<paymentId>` so a redelivery after a crash never refunds twice.
 */
import { randomUUID } from 'node:crypto';
import type { PoolClient } from '@rail/db';
import { enqueueEvent, type EventHeaders } from '@rail/messaging';
import type { EventEnvelope } from '@rail/contracts/events';
import type { Logger } from '@rail/logger';
import type { PaymentProvider } from '../provider/provider.js';
import { findPayment } from '../db/payments.js';

export interface RefundDeps {
  provider: PaymentProvider;
  logger: Logger;
}

export type RefundOutcome = 'refunded' | 'no-payment' | 'unknown-payment' | 'already-refunded' | 'not-paid' | 'nothing-to-refund';

export async function refundCancelledBooking(
  deps: RefundDeps,
  event: EventEnvelope<'booking.cancelled'>,
  db: PoolClient,
  headers: EventHeaders = {},
): Promise<RefundOutcome> {
  const { data } = event;
  if (data.paymentId === null) return 'no-payment';
  const log = deps.logger.child({ eventId: event.id, paymentId: data.paymentId, bookingId: data.bookingId });

  const payment = await findPayment(db, data.paymentId, { forUpdate: true });
  if (!payment || payment.booking_id !== data.bookingId) {
    log.warn('booking.cancelled names a payment this service does not know for that booking; nothing to refund');
    return 'unknown-payment';
  }
  if (payment.status === 'REFUNDED') return 'already-refunded';
  if (payment.status !== 'SUCCEEDED' || payment.provider_reference === null) {
    log.warn({ status: payment.status }, 'booking.cancelled names a payment that was never captured; nothing to refund');
    return 'not-paid';
  }
  // The cancellation decides how much is refunded; never more than was paid.
  const amount = Math.min(data.refundAmount, payment.amount);
  if (amount <= 0) {
    log.info('booking.cancelled grants no refund');
    return 'nothing-to-refund';
  }

  // Provider errors propagate: the transaction rolls back and the message is retried, then dead-lettered.
  const refund = await deps.provider.refund({
    idempotencyKey: `refund:${payment.id}`,
    chargeReference: payment.provider_reference,
    amount,
  });
  await db.query(
    `INSERT INTO refunds (id, payment_id, amount, reason, provider_reference, event_id) VALUES ($1, $2, $3, $4, $5, $6)`,
    [randomUUID(), payment.id, amount, data.reason, refund.providerReference, event.id],
  );
  await db.query(
    `UPDATE payments SET status = 'REFUNDED', refunded_at = now(), updated_at = now() WHERE id = $1 AND status = 'SUCCEEDED'`,
    [payment.id],
  );
  await enqueueEvent(
    db,
    'payment.refunded',
    {
      paymentId: payment.id,
      bookingId: payment.booking_id,
      userId: payment.user_id,
      amount,
      reason: data.reason,
      contact: data.contact,
    },
    headers,
  );
  log.info({ amount }, 'payment refunded');
  return 'refunded';
}
