/**
 * Messaging for every service: the transactional outbox (write side), its relay to RabbitMQ with
 * publisher confirms, and consumers with validation, deduplication, retries and a dead-letter queue.
 */
export {
  enqueueEvent,
  buildEnvelope,
  assertEventData,
  EventContractError,
  outboxMigrationsDir,
  type EventHeaders,
} from './outbox.js';
