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

export async function startConsumers(deps: QueueDeps, options: ConsumerOptions): Promise<void> {
  await options.broker.consume({
    queue: `${options.queuePrefix}.booking-confirmed`,
    events: ['booking.confirmed'],
    dedupe: { redis: options.redis, prefix: options.prefix },
    handler: async (event) => {
      const data = event.data as { userId: string; date: string };
      await endPassOnPurchase(deps, { userId: data.userId, date: data.date });
    },
  });
}
