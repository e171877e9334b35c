/**
 * Test helpers for code that talks to RabbitMQ: the TCP proxy of @rail/testing (re-exported) to simulate broker
 * outages without touching the shared broker, and cleanup of a test's exchange and queues (with their retry and dead-letter queues).
 */
import amqplib from 'amqplib';
import { DEFAULT_RETRY_DELAYS_MS, deadLetterQueueName, retryQueueName } from './broker.js';

export { startTcpProxy, type TcpProxy } from '@rail/testing';

/** Every queue a consumer declares: the queue, its dead-letter queue and its retry queues. */
export function consumerQueueNames(queue: string, retryDelaysMs: number[] = DEFAULT_RETRY_DELAYS_MS): string[] {
  return [queue, deadLetterQueueName(queue), ...[...new Set(retryDelaysMs)].map((d) => retryQueueName(queue, d))];
}

/** Deletes a test's exchange and queues (missing ones are fine). */
export async function deleteTopology(url: string, topology: { exchange?: string; queues?: string[] }): Promise<void> {
  const connection = await amqplib.connect(url);
  try {
    for (const queue of topology.queues ?? []) {
      const channel = await connection.createChannel();
      await channel.deleteQueue(queue).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
    if (topology.exchange) {
      const channel = await connection.createChannel();
      await channel.deleteExchange(topology.exchange).catch(() => undefined);
      await channel.close().catch(() => undefined);
    }
  } finally {
    await connection.close();
  }
}

/** Reads (and removes) up to `max` messages waiting in a queue, e.g. a dead-letter queue. */
export async function drainQueue(url: string, queue: string, max = 100): Promise<amqplib.GetMessage[]> {
  const connection = await amqplib.connect(url);
  try {
    const channel = await connection.createChannel();
    const messages: amqplib.GetMessage[] = [];
    for (let i = 0; i < max; i++) {
      const message = await channel.get(queue, { noAck: true });
      if (!message) break;
      messages.push(message);
    }
    await channel.close();
    return messages;
  } finally {
    await connection.close();
  }
}
