/**
 * Test helpers for code that talks to RabbitMQ: a TCP proxy to simulate broker outages without touching
 * the shared broker, and cleanup of a test's exchange and queues (with their retry and dead-letter queues).
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import amqplib from 'amqplib';
import { DEFAULT_RETRY_DELAYS_MS, deadLetterQueueName, retryQueueName } from './broker.js';

export interface TcpProxy {
  /** Local port the proxy listens on. */
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  urlFor(url: string): string;
  /** Drops every open connection and refuses new ones until restore(). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    sockets.add(client);
    sockets.add(upstream);
    const teardown = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', teardown).on('close', teardown);
    upstream.on('error', teardown).on('close', teardown);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    urlFor(url: string) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    cut() {
      cut = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    restore() {
      cut = false;
    },
    async close() {
      cut = true;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

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
