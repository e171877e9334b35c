/**
 * Dead letters made visible and replayable, and the broker through an outage: the DLQ depth gauge on the
 * service's registry, a dry run that leaves the messages, a bounded replay to the one consumer queue (fresh
 * attempt count), refusal of unknown queues; publishes during a broker cut fail fast with the shared 503 error
 * and consumers carry on after the restore, with no process-level error.
 */
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchProcessErrors, type ProcessErrorWatch } from '@rail/testing';
import { BrokerUnavailableError, createBroker, HEADER_REPLAYED, replayDeadLetters, type Broker } from '../src/index.js';
import { consumerQueueNames, deleteTopology, startTcpProxy } from '../src/testing.js';
import { AMQP_URL, expiredEvent, logger, uniqueName, waitFor } from './helpers.js';

const exchange = uniqueName('exchange');
const queues: string[] = [];
const brokers: Broker[] = [];
const FAST = [50];
let watch: ProcessErrorWatch;

function broker(url = AMQP_URL, metricsRegistry?: Registry): Broker {
  const b = createBroker({
    url,
    exchange,
    logger,
    service: 'messaging-test',
    publishTimeoutMs: 2_000,
    closeTimeoutMs: 500,
    metricsRegistry,
  });
  brokers.push(b);
  return b;
}

function queueName(label: string): string {
  const name = uniqueName(label);
  queues.push(...consumerQueueNames(name, FAST));
  return name;
}

async function deadLetterGauge(registry: Registry, queue: string): Promise<number | undefined> {
  const metric = await registry.getSingleMetric('messaging_dead_letter_messages')?.get();
  return metric?.values.find((v) => v.labels.queue === queue)?.value;
}

beforeAll(() => {
  watch = watchProcessErrors();
});

afterAll(async () => {
  await Promise.all(brokers.map((b) => b.close()));
  await deleteTopology(AMQP_URL, { exchange, queues });
  watch.stop();
});

describe('dead letters', () => {
  it('counts them in messaging_dead_letter_messages, lists them on a dry run, and replays them to their queue only', async () => {
    const registry = new Registry();
    const queue = queueName('dlq-replay');
    const bystander = queueName('dlq-bystander');
    let fixed = false;
    const handled: Array<{ id: string; attempt: number }> = [];
    const consumer = broker(AMQP_URL, registry);
    await consumer.consume({
      queue,
      events: ['booking.expired'],
      retryDelaysMs: FAST,
      maxAttempts: 1,
      handler: async (event, ctx) => {
        if (!fixed) throw new Error('provider said no');
        handled.push({ id: event.id, attempt: ctx.attempt });
      },
    });
    const bystanderSeen: string[] = [];
    await broker().consume({
      queue: bystander,
      events: ['booking.expired'],
      retryDelaysMs: FAST,
      handler: async (e) => void bystanderSeen.push(e.id),
    });

    const events = [expiredEvent(1), expiredEvent(2), expiredEvent(3)];
    for (const e of events) await consumer.publish(e);
    await waitFor(async () => (await deadLetterGauge(registry, queue)) === 3, 10_000, 'three dead letters counted');
    await waitFor(() => bystanderSeen.length === 3, 5_000, 'the bystander consumer');

    const dry = await replayDeadLetters({ url: AMQP_URL, queue, dryRun: true });
    expect(dry).toMatchObject({ queue, deadLetterQueue: `${queue}.dlq`, dryRun: true, replayed: 0, remaining: 3 });
    expect(dry.messages.map((m) => m.messageId)).toEqual(events.map((e) => e.id));
    expect(dry.messages[0]).toMatchObject({
      type: 'booking.expired',
      reason: 'max-attempts',
      lastError: 'provider said no',
      attempt: 1,
    });
    expect(handled).toEqual([]);

    fixed = true;
    const firstTwo = await replayDeadLetters({ url: AMQP_URL, queue: `${queue}.dlq`, limit: 2 });
    expect(firstTwo).toMatchObject({ replayed: 2, remaining: 1, dryRun: false });
    await waitFor(() => handled.length === 2, 5_000, 'the replayed events handled');
    expect(handled.map((h) => [h.id, h.attempt])).toEqual([
      [events[0]!.id, 1],
      [events[1]!.id, 1],
    ]);
    const rest = await replayDeadLetters({ url: AMQP_URL, queue });
    expect(rest).toMatchObject({ replayed: 1, remaining: 0 });
    await waitFor(() => handled.length === 3, 5_000, 'the last replayed event');
    await waitFor(async () => (await deadLetterGauge(registry, queue)) === 0, 5_000, 'the gauge back at zero');
    // Replayed to the one queue, not through the exchange: the other consumer saw each event once.
    expect(bystanderSeen).toHaveLength(3);
    expect(HEADER_REPLAYED).toBe('x-replayed');
  });

  it('refuses a queue that does not exist instead of creating one', async () => {
    await expect(replayDeadLetters({ url: AMQP_URL, queue: uniqueName('nobody') })).rejects.toThrow(/no queue/);
    await expect(replayDeadLetters({ url: AMQP_URL, queue: 'bad name!' })).rejects.toThrow(/invalid queue name/);
  });
});

describe('broker through an outage', () => {
  it('fails publishes fast with the shared 503 error while the broker is cut off, and consumes again after the restore', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(AMQP_URL).port || 5672) });
    try {
      const queue = queueName('outage');
      const seen: string[] = [];
      const b = broker(proxy.urlFor(AMQP_URL));
      await b.consume({ queue, events: ['booking.expired'], retryDelaysMs: FAST, handler: async (e) => void seen.push(e.id) });
      const before = expiredEvent();
      await b.publish(before);
      await waitFor(() => seen.includes(before.id), 5_000, 'the first event');

      proxy.cut();
      await waitFor(() => !b.isConnected(), 5_000, 'disconnection');
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        const error = await b.publish(expiredEvent()).catch((err: unknown) => err);
        expect(error).toBeInstanceOf(BrokerUnavailableError);
        expect(error).toMatchObject({ status: 503, code: 'DEPENDENCY_UNAVAILABLE', retryAfter: 2 });
        expect(performance.now() - started).toBeLessThan(1_500);
      }

      proxy.restore();
      await waitFor(() => b.isConnected(), 10_000, 'reconnection');
      const after = expiredEvent();
      await waitFor(
        async () =>
          await b.publish(after).then(
            () => true,
            () => false,
          ),
        5_000,
        'a publish after the restore',
      );
      await waitFor(() => seen.includes(after.id), 5_000, 'the event after the restore');
    } finally {
      await proxy.close();
    }
    expect(watch.errors).toEqual([]);
  });
});
