import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, createTestDatabase, type Pool, type TestDatabase } from '@rail/db';
import { createRedis, type Redis } from '@rail/redis';
import { createBroker, outboxMigrationsDir, type Broker } from '../src/index.js';
import { consumerQueueNames, deleteTopology } from '../src/testing.js';
import { AMQP_URL, REDIS_URL, expiredEvent, logger, sleep, uniqueName, waitFor } from './helpers.js';

const exchange = uniqueName('exchange');
const FAST = [50, 100];
const queues: string[] = [];
const prefix = `${uniqueName('dedupe')}:`;
let db: TestDatabase;
let pool: Pool;
let redis: Redis;
let broker: Broker;

function queueName(label: string): string {
  const name = uniqueName(label);
  queues.push(...consumerQueueNames(name, FAST));
  return name;
}

beforeAll(async () => {
  db = await createTestDatabase('messaging', [outboxMigrationsDir]);
  pool = createPool(db.url);
  await pool.query('CREATE TABLE effects (id serial PRIMARY KEY, booking_id uuid NOT NULL)');
  redis = createRedis(REDIS_URL, { name: 'messaging-test' });
  broker = createBroker({ url: AMQP_URL, exchange, logger, service: 'messaging-test', closeTimeoutMs: 500 });
});

afterAll(async () => {
  await broker.close();
  await deleteTopology(AMQP_URL, { exchange, queues });
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await pool.end();
  await db.drop();
});

async function effectsFor(bookingId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM effects WHERE booking_id = $1', [bookingId]);
  return rows[0]?.n ?? 0;
}

describe('deduplication by event id', () => {
  it('with { pool }: concurrent and later duplicates have one effect, written in the dedupe transaction', async () => {
    const event = expiredEvent();
    const mine = event.id;
    const queue = queueName('pool');
    let calls = 0;
    await broker.consume({
      queue,
      events: ['booking.expired'],
      retryDelaysMs: FAST,
      dedupe: { pool },
      handler: async (event, ctx) => {
        if (event.id !== mine) return;
        calls += 1;
        await ctx.db.query('INSERT INTO effects (booking_id) VALUES ($1)', [event.data.bookingId]);
        await sleep(150);
      },
    });
    await Promise.all([broker.publish(event), broker.publish(event), broker.publish(event)]);
    await waitFor(async () => (await effectsFor(event.data.bookingId)) === 1, 5_000, 'the effect');
    await sleep(400);
    await broker.publish(event);
    await sleep(300);
    expect(await effectsFor(event.data.bookingId)).toBe(1);
    expect(calls).toBe(1);
    const { rows } = await pool.query('SELECT consumer FROM processed_events WHERE event_id = $1', [event.id]);
    expect(rows).toEqual([{ consumer: queue }]);
  });

  it('with { pool }: a failed handler rolls back its writes and the dedupe record, so the retry applies once', async () => {
    const event = expiredEvent();
    const mine = event.id;
    const queue = queueName('pool-retry');
    await broker.consume({
      queue,
      events: ['booking.expired'],
      retryDelaysMs: FAST,
      dedupe: { pool },
      handler: async (event, ctx) => {
        if (event.id !== mine) return;
        await ctx.db.query('INSERT INTO effects (booking_id) VALUES ($1)', [event.data.bookingId]);
        if (ctx.attempt === 1) throw new Error('crash after writing');
      },
    });
    await broker.publish(event);
    await waitFor(async () => (await effectsFor(event.data.bookingId)) === 1, 5_000, 'the effect');
    await sleep(300);
    expect(await effectsFor(event.data.bookingId)).toBe(1);
  });

  it('with { pool }: afterCommit effects run once the transaction committed, never after a rollback', async () => {
    const event = expiredEvent();
    const mine = event.id;
    const queue = queueName('pool-after-commit');
    const seen: { attempt: number; committed: number }[] = [];
    await broker.consume({
      queue,
      events: ['booking.expired'],
      retryDelaysMs: FAST,
      dedupe: { pool },
      handler: async (event, ctx) => {
        if (event.id !== mine) return;
        await ctx.db.query('INSERT INTO effects (booking_id) VALUES ($1)', [event.data.bookingId]);
        const attempt = ctx.attempt;
        // Another connection sees the row only after commit: proves the effect runs after it.
        ctx.afterCommit(async () => void seen.push({ attempt, committed: await effectsFor(event.data.bookingId) }));
        if (attempt === 1) throw new Error('rolled back');
      },
    });
    await broker.publish(event);
    await waitFor(() => seen.length === 1, 5_000, 'the after-commit effect');
    await broker.publish(event);
    await sleep(300);
    expect(seen).toEqual([{ attempt: 2, committed: 1 }]);
  });

  it('with { redis }: concurrent and later duplicates run the handler once', async () => {
    const event = expiredEvent();
    const mine = event.id;
    const queue = queueName('redis');
    const seen: string[] = [];
    await broker.consume({
      queue,
      events: ['booking.expired'],
      retryDelaysMs: FAST,
      dedupe: { redis, prefix },
      handler: async (event) => {
        if (event.id !== mine) return;
        seen.push(event.id);
        await sleep(150);
      },
    });
    await Promise.all([broker.publish(event), broker.publish(event), broker.publish(event)]);
    await waitFor(() => seen.length === 1, 5_000, 'the first handling');
    await sleep(600);
    await broker.publish(event);
    await sleep(300);
    expect(seen).toEqual([event.id]);
    expect(await redis.exists(`${prefix}events:done:${queue}:${event.id}`)).toBe(1);
  });

  it('with { redis }: a failed handler does not mark the event processed', async () => {
    const event = expiredEvent();
    const mine = event.id;
    const queue = queueName('redis-retry');
    const attempts: number[] = [];
    await broker.consume({
      queue,
      events: ['booking.expired'],
      retryDelaysMs: FAST,
      dedupe: { redis, prefix },
      handler: async (event, ctx) => {
        if (event.id !== mine) return;
        attempts.push(ctx.attempt);
        if (ctx.attempt === 1) throw new Error('transient');
      },
    });
    await broker.publish(event);
    await waitFor(() => attempts.length === 2, 5_000, 'the retry');
    await sleep(200);
    expect(attempts).toEqual([1, 2]);
  });
});
