/**
 * The booking process's messaging: one broker connection, the outbox relay (booking.confirmed,
 * booking.cancelled, booking.expired, otp.requested... leave the database through it) and the payment
 * consumers. Started by server.ts; stop() drains consumers, stops the relay and closes the connection.
 */
import { createBroker, startOutboxRelay, type Broker, type BrokerOptions, type OutboxRelay } from '@rail/messaging';
import type { BookingConfig } from '../config.js';
import type { BookingDeps } from '../deps.js';
import { startConsumers } from './consumers.js';

export interface BookingEvents {
  broker: Broker;
  relay: OutboxRelay;
  stop: () => Promise<void>;
}

export async function startEvents(
  deps: BookingDeps,
  config: Pick<BookingConfig, 'AMQP_URL' | 'AMQP_EXCHANGE' | 'QUEUE_PREFIX'>,
  metricsRegistry?: BrokerOptions['metricsRegistry'],
): Promise<BookingEvents> {
  const broker = createBroker({
    url: config.AMQP_URL,
    exchange: config.AMQP_EXCHANGE,
    logger: deps.logger,
    service: 'booking',
    ...(metricsRegistry ? { metricsRegistry } : {}),
  });
  const relay = startOutboxRelay({ pool: deps.pool, broker, logger: deps.logger });
  await startConsumers(deps, { broker, queuePrefix: config.QUEUE_PREFIX });
  return {
    broker,
    relay,
    stop: async () => {
      // The relay first (no publish into a closing connection), then close() drains in-flight handlers.
      await relay.stop();
      await broker.close();
    },
  };
}
