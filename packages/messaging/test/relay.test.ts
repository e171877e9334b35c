import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, createTestDatabase, withTransaction, type Pool, type TestDatabase } from '@rail/db';
import {
  createBroker,
  enqueueEvent,
  outboxMigrationsDir,
  startOutboxRelay,
  type Broker,
  type OutboxRelay,
} from '../src/index.js';
import { consumerQueueNames, deleteTopology, startTcpProxy, type TcpProxy } from '../src/testing.js';
import { AMQP_URL, expiredEvent, logger, sleep, uniqueName, waitFor } from './helpers.js';

const exchange = uniqueName('exchange');
const FAST = [50, 100];
const queue = uniqueName('relay');
let db: TestDatabase;
let pool: Pool;
let proxy: TcpProxy;
const brokers: Broker[] = [];
const relays: OutboxRelay[] = [];
/** Handler calls per booking id, including any that were rolled back. */
const calls = new Map<string, number>();

function broker(url: string): Broker {
  const b = createBroker({ url, exchange, logger, service: 'messaging-test', publishTimeoutMs: 1_000, closeTimeoutMs: 500 });
  brokers.push(b);
  return b;
}

async function effects(): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ booking_id: string; n: number }>(
    'SELECT booking_id, count(*)::int AS n FROM effects GROUP BY booking_id',
  );
  return new Map(rows.map((r) => [r.booking_id, r.n]));
}

/** A producer's state change and its event, committed together. */
async function expireBooking(): Promise<string> {
  const bookingId = randomUUID();
  await withTransaction(pool, async (client) => {
    await client.query("INSERT INTO bookings (id, status) VALUES ($1, 'EXPIRED')", [bookingId]);
    await enqueueEvent(client, 'booking.expired', { bookingId, userId: 'u-1', tripId: 7, seatIds: [1] }, { requestId: 'req-1' });
  });
  return bookingId;
}

beforeAll(async () => {
  db = await createTestDatabase('messaging', [outboxMigrationsDir]);
  pool = createPool(db.url);
  await pool.query('CREATE TABLE bookings (id uuid PRIMARY KEY, status text NOT NULL)');
  await pool.query('CREATE TABLE effects (id serial PRIMARY KEY, booking_id uuid NOT NULL)');
  proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(AMQP_URL).port || 5672) });
  // The consumer also reaches the broker through the proxy: the outage is total.
  await broker(proxy.urlFor(AMQP_URL)).consume({
    queue,
    events: ['booking.expired'],
    retryDelaysMs: FAST,
    prefetch: 1,
    dedupe: { pool },
    handler: async (event, ctx) => {
      calls.set(event.data.bookingId, (calls.get(event.data.bookingId) ?? 0) + 1);
      await ctx.db.query('INSERT INTO effects (booking_id) VALUES ($1)', [event.data.bookingId]);
    },
  });
});

afterAll(async () => {
  await Promise.all(relays.map((r) => r.stop()));
  await Promise.all(brokers.map((b) => b.close()));
  await proxy.close();
  await deleteTopology(AMQP_URL, { exchange, queues: consumerQueueNames(queue, FAST) });
  await pool.end();
  await db.drop();
});

describe('outbox relay', () => {
  it('keeps events in the outbox while the broker is unreachable, then delivers each exactly once', async () => {
    const relayBroker = broker(proxy.urlFor(AMQP_URL));
    await waitFor(() => relayBroker.isConnected(), 5_000, 'connection');
    relays.push(startOutboxRelay({ pool, broker: relayBroker, logger, intervalMs: 50, maxBackoffMs: 200 }));

    proxy.cut();
    await waitFor(() => !relayBroker.isConnected(), 5_000, 'disconnection');
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await expireBooking()); // commits although the broker is down
    await sleep(500);
    const waiting = await pool.query('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL');
    expect(waiting.rows[0]).toEqual({ n: 5 });
    expect((await pool.query('SELECT count(*)::int AS n FROM bookings')).rows[0]).toEqual({ n: 5 });
    expect((await effects()).size).toBe(0);

    proxy.restore();
    await waitFor(async () => (await effects()).size === 5, 15_000, 'every event to take effect');
    await waitFor(
      async () => (await pool.query('SELECT 1 FROM outbox WHERE published_at IS NULL')).rowCount === 0,
      5_000,
      'the outbox to drain',
    );
    await sleep(300);
    const applied = await effects();
    for (const id of ids) expect(applied.get(id)).toBe(1);
    const { rows } = await pool.query<{ attempts: number; last_error: string | null }>('SELECT attempts, last_error FROM outbox');
    for (const row of rows) expect(row).toEqual({ attempts: 1, last_error: null });
  });

  it('a re-published event (a confirm lost in transit) takes effect once', async () => {
    const relayBroker = brokers[brokers.length - 1] as Broker;
    const bookingId = await expireBooking();
    await waitFor(async () => (await effects()).get(bookingId) === 1, 5_000, 'the first delivery');
    const { rows } = await pool.query<{ envelope: Parameters<Broker['publish']>[0] }>(
      "SELECT envelope FROM outbox WHERE envelope->'data'->>'bookingId' = $1",
      [bookingId],
    );
    await relayBroker.publish(rows[0]!.envelope);
    const sentinel = await expireBooking(); // prefetch 1: once this is applied, the duplicate was handled before it
    await waitFor(async () => (await effects()).get(sentinel) === 1, 5_000, 'the sentinel');
    expect((await effects()).get(bookingId)).toBe(1);
    expect(calls.get(bookingId)).toBe(1);
  });

  it('counts failed attempts with the error, without blocking the rows behind a bad one', async () => {
    const relayBroker = brokers[brokers.length - 1] as Broker;
    const bad = { ...expiredEvent(), data: { bookingId: 'nope' } };
    await pool.query("INSERT INTO outbox (id, type, envelope, occurred_at) VALUES ($1, $2, $3, now() - interval '1 minute')", [
      bad.id,
      bad.type,
      JSON.stringify(bad),
    ]);
    const good = await expireBooking();
    await waitFor(async () => (await effects()).get(good) === 1, 5_000, 'the good event');
    const row = await waitFor(
      async () => {
        const r = await pool.query<{ attempts: number; last_error: string; published_at: Date | null }>(
          'SELECT attempts, last_error, published_at FROM outbox WHERE id = $1',
          [bad.id],
        );
        return r.rows[0] && r.rows[0].attempts >= 2 ? r.rows[0] : null;
      },
      5_000,
      'repeated attempts',
    );
    expect(row.published_at).toBeNull();
    expect(row.last_error).toMatch(/does not match its contract/);
    await pool.query('DELETE FROM outbox WHERE id = $1', [bad.id]);
    expect(relayBroker.isConnected()).toBe(true);
  });

  it('several relays share the outbox with SKIP LOCKED: each event is published once', async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    const ids = await Promise.all(Array.from({ length: 40 }, () => expireBooking()));
    const pools = [createPool(db.url), createPool(db.url)];
    const relayBrokers = [broker(AMQP_URL), broker(AMQP_URL)];
    await Promise.all(relayBrokers.map((b) => waitFor(() => b.isConnected(), 5_000, 'connection')));
    const parallel = pools.map((p, i) =>
      startOutboxRelay({ pool: p, broker: relayBrokers[i] as Broker, logger, intervalMs: 60_000, batchSize: 5 }),
    );
    const published = await Promise.all(parallel.map((r) => r.flush()));
    expect(published[0]! + published[1]!).toBe(40);
    await waitFor(async () => ids.every((id) => calls.get(id) === 1), 10_000, 'every event');
    await Promise.all(parallel.map((r) => r.stop()));
    await Promise.all(pools.map((p) => p.end()));
    for (const id of ids) expect(calls.get(id)).toBe(1);
  });
});
