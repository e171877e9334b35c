// Deletes the RabbitMQ exchange and consumer queues one select-benchmark run gave its booking process (its own
// AMQP_EXCHANGE and QUEUE_PREFIX, so the bench never publishes into, or consumes from, a running system's).
// Run by bench-select.mjs: node --conditions=@rail/source --import tsx load-testing/bench/cleanup-amqp.mjs <url> <exchange> <queuePrefix>
import { consumerQueueNames, deleteTopology } from '@rail/messaging/testing';
import { CONSUMED_EVENTS, queueFor } from '../../services/booking/src/events/consumers.js';

const [url, exchange, queuePrefix] = process.argv.slice(2);
if (!url || !exchange || !queuePrefix) {
  console.error('usage: cleanup-amqp.mjs <amqp url> <exchange> <queue prefix>');
  process.exit(2);
}
await deleteTopology(url, { exchange, queues: CONSUMED_EVENTS.flatMap((t) => consumerQueueNames(queueFor(queuePrefix, t))) });
