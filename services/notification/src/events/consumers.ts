/**
 * The events this service consumes, one durable queue each (an OTP never waits behind a backlog of
 * tickets). Deliveries are deduplicated by event id in Redis, and each message is also keyed by its
 * business id in the dispatcher, so a redelivery never sends anything twice.
 */
import type { EventDataOf, EventType } from '@rail/contracts/events';
import type { Broker } from '@rail/messaging';
import type { Redis } from '@rail/redis';
import type { UseCaseDeps } from '../deps.js';
import { sendCancellation } from '../use-cases/send-cancellation.js';
import { sendOtp } from '../use-cases/send-otp.js';
import { sendRefund } from '../use-cases/send-refund.js';
import { sendTicket } from '../use-cases/send-ticket.js';
import { sendWaitlistClosed, sendWaitlistOffer } from '../use-cases/send-waitlist.js';

type Handlers = { [T in EventType]?: (deps: UseCaseDeps, data: EventDataOf<T>) => Promise<unknown> };

export const HANDLERS: Handlers = {
  'otp.requested': (deps, data) => sendOtp(deps, data),
  'booking.confirmed': sendTicket,
  'booking.cancelled': sendCancellation,
  'payment.refunded': sendRefund,
  'booking.waitlist-offered': sendWaitlistOffer,
  'booking.waitlist-closed': sendWaitlistClosed,
};

export const CONSUMED_EVENTS = Object.keys(HANDLERS) as EventType[];

export interface ConsumerOptions {
  broker: Broker;
  redis: Redis;
  /** REDIS_KEY_PREFIX: dedupe keys live beside the inbox. */
  prefix: string;
  /** Queue names are `${queuePrefix}.${event with - for .}`. */
  queuePrefix: string;
  prefetch?: number;
  retryDelaysMs?: number[];
}

export function queueFor(queuePrefix: string, type: EventType): string {
  return `${queuePrefix}.${type.replace('.', '-')}`;
}

export async function startConsumers(deps: UseCaseDeps, options: ConsumerOptions): Promise<void> {
  for (const type of CONSUMED_EVENTS) {
    const handle = HANDLERS[type] as (deps: UseCaseDeps, data: unknown) => Promise<unknown>;
    await options.broker.consume({
      queue: queueFor(options.queuePrefix, type),
      events: [type],
      dedupe: { redis: options.redis, prefix: options.prefix },
      prefetch: options.prefetch,
      retryDelaysMs: options.retryDelaysMs,
      handler: async (event, context) => {
        await handle(
          { ...deps, logger: deps.logger.child({ eventId: event.id, requestId: context.headers.requestId }) },
          event.data,
        );
      },
    });
  }
}
