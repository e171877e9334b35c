/**
 * Messaging for every service: the transactional outbox (write side), its relay to RabbitMQ with
 * publisher confirms, and consumers with validation, deduplication, retries and a dead-letter queue.
 * Test helpers (TCP proxy for outages, topology cleanup) are in `@rail/messaging/testing`.
 */
export {
  enqueueEvent,
  buildEnvelope,
  assertEventData,
  EventContractError,
  outboxMigrationsDir,
  outboxInsert,
  type OutboxInsert,
  type EventHeaders,
} from './outbox.js';
export {
  createBroker,
  BrokerUnavailableError,
  DEFAULT_RETRY_DELAYS_MS,
  DELIVERY_LIMIT,
  deadLetterQueueName,
  retryQueueName,
  type Broker,
  type BrokerOptions,
  type ConsumeContext,
  type ConsumeOptions,
  type Dedupe,
  type PoolDedupe,
  type RedisDedupe,
  type TransactionalConsumeContext,
  type TransactionalConsumeOptions,
} from './broker.js';
export {
  replayDeadLetters,
  HEADER_REPLAYED,
  type DeadLetter,
  type ReplayDeadLettersOptions,
  type ReplayDeadLettersResult,
} from './dead-letters.js';
export { startOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './relay.js';
export { assertEnvelope, parseEnvelope } from './envelope.js';
export { HEADER_ATTEMPT, HEADER_REQUEST_ID, HEADER_TRACEPARENT } from './headers.js';
