/**
 * The payment service's event consumers. booking.cancelled (with a paymentId) refunds the payment; the
 * handler runs in the transaction that records the event id as processed, so a redelivered or duplicated
 * event takes effect once.
 */
import type { Broker } from '@rail/messaging';
import type { Pool } from '@rail/db';
import type { Logger } from '@rail/logger';
import type { PaymentProvider } from '../provider/provider.js';
import { refundCancelledBooking } from '../use-cases/refund-cancelled-booking.js';

export const DEFAULT_QUEUE_PREFIX = 'payment';
export const BOOKING_CANCELLED_QUEUE = bookingCancelledQueue(DEFAULT_QUEUE_PREFIX);

/** `<prefix>.booking-cancelled`: the prefix is the service name unless a test run gives its own. */
export function bookingCancelledQueue(queuePrefix: string): string {
  return `${queuePrefix}.booking-cancelled`;
}

export interface ConsumerDeps {
  broker: Broker;
  pool: Pool;
  provider: PaymentProvider;
  logger: Logger;
  /** QUEUE_PREFIX from config (default 'payment'). */
  queuePrefix?: string;
  /** Queue name override (tests use a random one). */
  bookingCancelledQueue?: string;
  retryDelaysMs?: number[];
}

export async function startConsumers(deps: ConsumerDeps): Promise<void> {
  await deps.broker.consume({
    queue: deps.bookingCancelledQueue ?? bookingCancelledQueue(deps.queuePrefix ?? DEFAULT_QUEUE_PREFIX),
    events: ['booking.cancelled'],
    dedupe: { pool: deps.pool },
    retryDelaysMs: deps.retryDelaysMs,
    handler: async (event, context) => {
      await refundCancelledBooking({ provider: deps.provider, logger: deps.logger }, event, context.db, context.headers);
    },
  });
}
