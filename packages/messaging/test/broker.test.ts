import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '@rail/contracts/events';
import { createBroker, EventContractError, type Broker } from '../src/index.js';
import { consumerQueueNames, deleteTopology, drainQueue, startTcpProxy } from '../src/testing.js';
import { AMQP_URL, expiredEvent, logger, sleep, uniqueName, waitFor } from './helpers.js';

const exchange = uniqueName('exchange');
const queues: string[] = [];
const brokers: Broker[] = [];
const FAST = [50, 100];

function broker(url = AMQP_URL): Broker {
  const b = createBroker({ url, exchange, logger, service: 'messaging-test', publishTimeoutMs: 2_000, closeTimeoutMs: 500 });
  brokers.push(b);
  return b;
}

function queueName(label: string): string {
  const name = uniqueName(label);
  queues.push(...consumerQueueNames(name, FAST));
  return name;
}

/** Publishes raw bytes to the exchange, bypassing the publisher's validation (a misbehaving producer). */
async function publishRaw(routingKey: string, body: string): Promise<void> {
  const connection = await amqplib.connect(AMQP_URL);
  const channel = await connection.createConfirmChannel();
  channel.publish(exchange, routingKey, Buffer.from(body), { persistent: true });
  await channel.waitForConfirms();
  await connection.close();
}

let publisher: Broker;

beforeAll(async () => {
  publisher = broker();
});

afterAll(async () => {
  await Promise.all(brokers.map((b) => b.close()));
  await deleteTopology(AMQP_URL, { exchange, queues });
});

describe('broker', () => {
  it('round-trips a valid event with its request id and trace context', async () => {
    const queue = queueName('roundtrip');
    const received: Array<{
      event: EventEnvelope<'booking.expired'>;
      requestId?: string;
      traceparent?: string;
      attempt: number;
    }> = [];
    await broker().consume({
      queue,
      events: ['booking.expired'],
      retryDelaysMs: FAST,
      handler: async (event, ctx) => {
        received.push({ event, requestId: ctx.headers.requestId, traceparent: ctx.headers.traceparent, attempt: ctx.attempt });
      },
    });
    const event = expiredEvent();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    await publisher.publish(event, { requestId: 'req-123', traceparent });
    await waitFor(() => received.length === 1, 5_000, 'delivery');
    expect(received[0]).toEqual({ event, requestId: 'req-123', traceparent, attempt: 1 });
  });

  it('refuses to publish an envelope that breaks its contract', async () => {
    const event = expiredEvent();
    const bad = { ...event, data: { ...event.data, tripId: 'seven' } } as unknown as EventEnvelope;
    await expect(publisher.publish(bad)).rejects.toBeInstanceOf(EventContractError);
    await expect(publisher.publish({ ...event, type: 'no.such' } as unknown as EventEnvelope)).rejects.toBeInstanceOf(
      EventContractError,
    );
    await expect(publisher.publish({ ...event, id: 'not-a-uuid' })).rejects.toBeInstanceOf(EventContractError);
  });

  it('dead-letters invalid envelopes at once, without retries, and keeps consuming the messages behind them', async () => {
    const queue = queueName('invalid');
    const handled: string[] = [];
    let calls = 0;
    await broker().consume({
      queue,
      events: ['booking.expired'],
      retryDelaysMs: FAST,
      handler: async (event) => {
        calls += 1;
        handled.push(event.id);
      },
    });
    const good = expiredEvent();
    const wrongData = { ...expiredEvent(), data: { bookingId: 'x' } };
    await publishRaw('booking.expired', 'not json at all');
    await publishRaw('booking.expired', JSON.stringify(wrongData));
    await publisher.publish(good);
    await waitFor(() => handled.includes(good.id), 5_000, 'the good event');
    const dead = await waitFor(
      async () => {
        const messages = await drainQueue(AMQP_URL, `${queue}.dlq`);
        return messages.length === 2 ? messages : null;
      },
      5_000,
      'two dead letters',
    );
    expect(dead.map((m) => m.properties.headers?.['x-dead-letter-reason'])).toEqual(['invalid-envelope', 'invalid-envelope']);
    expect(String(dead[1]?.properties.headers?.['x-last-error'])).toMatch(/booking\.expired/);
    expect(calls).toBe(1);
  });

  it('retries a failing handler with backoff and succeeds on a later attempt', async () => {
    const queue = queueName('retry');
    const attempts: number[] = [];
    await broker().consume({
      queue,
      events: ['booking.expired'],
      retryDelaysMs: FAST,
      handler: async (_event, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 3) throw new Error('transient');
      },
    });
    await publisher.publish(expiredEvent());
    await waitFor(() => attempts.length === 3, 5_000, 'three attempts');
    await sleep(300);
    expect(attempts).toEqual([1, 2, 3]);
    expect(await drainQueue(AMQP_URL, `${queue}.dlq`)).toHaveLength(0);
  });

  it('dead-letters a message whose handler always throws after maxAttempts, without blocking the others', async () => {
    const queue = queueName('poison');
    const poison = expiredEvent(13);
    const handled: string[] = [];
    let poisonCalls = 0;
    await broker().consume({
      queue,
      events: ['booking.expired'],
      retryDelaysMs: FAST,
      maxAttempts: 3,
      prefetch: 1,
      handler: async (event) => {
        if (event.id === poison.id) {
          poisonCalls += 1;
          throw new Error('always broken');
        }
        handled.push(event.id);
      },
    });
    const others = [expiredEvent(), expiredEvent(), expiredEvent()];
    await publisher.publish(poison);
    for (const e of others) await publisher.publish(e);
    await waitFor(() => handled.length === 3, 5_000, 'the events behind the poison message');
    const dead = await waitFor(
      async () => {
        const messages = await drainQueue(AMQP_URL, `${queue}.dlq`);
        return messages.length > 0 ? messages : null;
      },
      5_000,
      'the dead letter',
    );
    expect(dead).toHaveLength(1);
    expect(dead[0]?.properties.messageId).toBe(poison.id);
    expect(dead[0]?.properties.headers?.['x-dead-letter-reason']).toBe('max-attempts');
    expect(dead[0]?.properties.headers?.['x-last-error']).toBe('always broken');
    expect(JSON.parse(dead[0]!.content.toString())).toEqual(poison);
    expect(poisonCalls).toBe(3);
    expect(handled).toEqual(others.map((e) => e.id));
  });

  it('redelivers a message whose consumer died before acking it', async () => {
    const queue = queueName('dies');
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(AMQP_URL).port || 5672) });
    try {
      const deliveries: boolean[] = [];
      let release: () => void = () => undefined;
      let started: () => void = () => undefined;
      const firstStarted = new Promise<void>((resolve) => {
        started = resolve;
      });
      await broker(proxy.urlFor(AMQP_URL)).consume({
        queue,
        events: ['booking.expired'],
        retryDelaysMs: FAST,
        handler: async (_event, ctx) => {
          deliveries.push(ctx.redelivered);
          if (deliveries.length === 1) {
            started();
            await new Promise<void>((resolve) => {
              release = resolve;
            });
          }
        },
      });
      await publisher.publish(expiredEvent());
      await firstStarted;
      proxy.cut(); // the consumer's connection dies mid-handler
      release();
      await sleep(100);
      proxy.restore();
      await waitFor(() => deliveries.length === 2, 10_000, 'redelivery');
      expect(deliveries).toEqual([false, true]);
    } finally {
      await proxy.close();
    }
  });

  it('rejects consumer options that cannot work', async () => {
    const b = broker();
    await expect(
      b.consume({ queue: 'bad queue name', events: ['booking.expired'], handler: async () => undefined }),
    ).rejects.toThrow(/queue name/);
    await expect(b.consume({ queue: uniqueName('x'), events: [], handler: async () => undefined })).rejects.toThrow(
      /at least one/,
    );
    await expect(
      b.consume({ queue: uniqueName('x'), events: ['nope' as 'booking.expired'], handler: async () => undefined }),
    ).rejects.toThrow(/unknown event type/);
  });

  it('rejects consume() when the queue exists with other arguments, instead of failing silently', async () => {
    const queue = queueName('clash');
    const connection = await amqplib.connect(AMQP_URL);
    const channel = await connection.createChannel();
    await channel.assertQueue(queue, { durable: true }); // a classic queue where a quorum queue is expected
    await connection.close();
    await expect(
      broker().consume({ queue, events: ['booking.expired'], retryDelaysMs: FAST, handler: async () => undefined }),
    ).rejects.toThrow(/PRECONDITION_FAILED/);
  });

  it('reports connection state for readiness: down while the broker is unreachable, up again after it reconnects, down once closed', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(AMQP_URL).port || 5672) });
    try {
      const b = broker(proxy.urlFor(AMQP_URL));
      await waitFor(() => b.isConnected(), 5_000, 'connection');
      proxy.cut();
      await waitFor(() => !b.isConnected(), 5_000, 'disconnection');
      await sleep(1_500); // past the reconnect interval (1 s): still down while the broker cannot be reached
      expect(b.isConnected()).toBe(false);
      proxy.restore();
      await waitFor(() => b.isConnected(), 10_000, 'reconnection');
      await b.close();
      expect(b.isConnected()).toBe(false);
    } finally {
      await proxy.close();
    }
  });
});
