// Deletes the RabbitMQ exchange and consumer queues one queue-benchmark run gave its queue process (its own
// AMQP_EXCHANGE and QUEUE_PREFIX, so the bench never consumes from, or binds into, a running system's).
// Run by bench-queue.mjs: node --conditions=@rail/source --import tsx load-testing/bench/cleanup-queue-amqp.mjs <url> <exchange> <queuePrefix>
import { consumerQueueNames, deleteTopology } from '@rail/messaging/testing';

const [url, exchange, queuePrefix] = process.argv.slice(2);
if (!url || !exchange || !queuePrefix) {
  console.error('usage: cleanup-queue-amqp.mjs <amqp url> <exchange> <queue prefix>');
  process.exit(2);
}
// services/queue/src/events/consumers.ts: one queue, `${QUEUE_PREFIX}.booking-confirmed`.
await deleteTopology(url, { exchange, queues: consumerQueueNames(`${queuePrefix}.booking-confirmed`) });
