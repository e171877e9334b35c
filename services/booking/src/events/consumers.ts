/**
 * The booking service's event consumers: payment.succeeded and payment.failed, one durable quorum queue
 * each (`<QUEUE_PREFIX>.payment-succeeded`, `<QUEUE_PREFIX>.payment-failed`), shared by every replica.
 * Each handler runs in the transaction that records the event id as processed, so the booking's state
 * change, its outbox events and the dedupe record commit together; Redis follows after the commit.
 */
import type { EventType } from '@rail/contracts/events';
import type { Broker } from '@rail/messaging';
import type { BookingDeps } from '../deps.js';
import { handlePaymentFailed, handlePaymentSucceeded } from '../use-cases/handle-payment-events.js';

export const DEFAULT_QUEUE_PREFIX = 'booking';
export const CONSUMED_EVENTS = ['payment.succeeded', 'payment.failed'] as const satisfies readonly EventType[];

export function queueFor(queuePrefix: string, type: EventType): string {
  return `${queuePrefix}.${type.replace('.', '-')}`;
}

export interface ConsumerOptions {
  broker: Broker;
  queuePrefix?: string;
  /** Backoff between retries (tests use short ones); default the messaging package's. */
  retryDelaysMs?: number[];
  prefetch?: number;
}

export async function startConsumers(deps: BookingDeps, options: ConsumerOptions): Promise<void> {
  const prefix = options.queuePrefix ?? DEFAULT_QUEUE_PREFIX;
  const common = {
    dedupe: { pool: deps.pool },
    ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
    ...(options.prefetch ? { prefetch: options.prefetch } : {}),
  };
  await options.broker.consume({
    ...common,
    queue: queueFor(prefix, 'payment.succeeded'),
    events: ['payment.succeeded'],
    handler: async (event, ctx) => {
      const { result, afterCommit } = await handlePaymentSucceeded(deps, ctx.db, event.data, ctx.headers);
      if (afterCommit) ctx.afterCommit(afterCommit);
      deps.logger.info({ eventId: event.id, paymentId: event.data.paymentId, ...result }, 'payment.succeeded handled');
    },
  });
  await options.broker.consume({
    ...common,
    queue: queueFor(prefix, 'payment.failed'),
    events: ['payment.failed'],
    handler: async (event, ctx) => {
      await handlePaymentFailed(deps, ctx.db, event.data);
    },
  });
}
