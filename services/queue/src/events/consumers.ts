/**
 * The events this service consumes: booking.confirmed ends the buyer's pass for that date. One durable queue,
 * deliveries deduplicated by event id in Redis; a failed handler is retried, then dead-lettered (@rail/messaging).
 */
import type { Broker } from '@rail/messaging';
import type { Redis } from '@rail/redis';
import type { QueueDeps } from '../deps.js';
import { endPassOnPurchase } from '../use-cases/end-pass.js';

export interface ConsumerOptions {
  broker: Broker;
  redis: Redis;
  /** REDIS_KEY_PREFIX: dedupe keys live beside the rooms. */
  prefix: string;
  /** Queue names are `${queuePrefix}.booking-confirmed`. */
  queuePrefix: string;
}

/** The durable queue this service consumes from (benchmarks delete their own run's copy by this name). */
export function bookingConfirmedQueue(queuePrefix: string): string {
  return `${queuePrefix}.booking-confirmed`;
}

export async function startConsumers(deps: QueueDeps, options: ConsumerOptions): Promise<void> {
  await options.broker.consume({
    queue: bookingConfirmedQueue(options.queuePrefix),
    events: ['booking.confirmed'],
    dedupe: { redis: options.redis, prefix: options.prefix },
    handler: async (event) => {
      const data = event.data as { userId: string; date: string };
      await endPassOnPurchase(deps, { userId: data.userId, date: data.date });
    },
  });
}
