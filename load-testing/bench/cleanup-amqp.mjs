// Deletes the RabbitMQ exchange and consumer queues one benchmark run gave the service it measures (its own
// AMQP_EXCHANGE and QUEUE_PREFIX, so a bench never publishes into, or consumes from, a running system's). The queue
// names come from the service's own consumer code.
// Run by bench-select.mjs and bench-queue.mjs:
//   node --conditions=@rail/source --import tsx load-testing/bench/cleanup-amqp.mjs <booking|queue> <url> <exchange> <queuePrefix>
import { consumerQueueNames, deleteTopology } from '@rail/messaging/testing';
import { CONSUMED_EVENTS, queueFor } from '../../services/booking/src/events/consumers.js';
import { bookingConfirmedQueue } from '../../services/queue/src/events/consumers.js';

const QUEUES = {
  booking: (prefix) => CONSUMED_EVENTS.map((t) => queueFor(prefix, t)),
  queue: (prefix) => [bookingConfirmedQueue(prefix)],
};
const [service, url, exchange, queuePrefix] = process.argv.slice(2);
if (!QUEUES[service] || !url || !exchange || !queuePrefix) {
  console.error('usage: cleanup-amqp.mjs <booking|queue> <amqp url> <exchange> <queue prefix>');
  process.exit(2);
}
await deleteTopology(url, { exchange, queues: QUEUES[service](queuePrefix).flatMap((q) => consumerQueueNames(q)) });
