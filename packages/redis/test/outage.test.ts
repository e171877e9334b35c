import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isDependencyUnavailable } from '@rail/http';
import { createLogger } from '@rail/logger';
import { createRedis, type Redis } from '@rail/redis';
import { startTcpProxy, watchProcessErrors, type ProcessErrorWatch, type TcpProxy } from '@rail/testing';

// Redis outages are simulated with a TCP proxy in front of the shared server, which is never touched.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const FAST_MS = 1_500;
const key = `test:redis-outage:${randomBytes(5).toString('hex')}`;

let proxy: TcpProxy;
let watch: ProcessErrorWatch;
const clients: Redis[] = [];

beforeAll(async () => {
  const target = new URL(REDIS_URL);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  watch = watchProcessErrors();
});

afterEach(() => proxy.restore());

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await proxy.close();
  watch.stop();
});

function client(options: Partial<Parameters<typeof createRedis>[1]> = {}): Redis {
  const redis = createRedis(proxy.urlFor(REDIS_URL), { name: 'redis-outage-test', ...options });
  clients.push(redis);
  return redis;
}

async function failsFast(fn: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  const error = await fn().then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error, 'the command should have failed').toBeInstanceOf(Error);
  expect(isDependencyUnavailable(error), `not recognised as unavailable: ${String(error)}`).toBe(true);
  expect(performance.now() - started).toBeLessThan(FAST_MS);
}

async function eventually<T>(fn: () => Promise<T>, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Redis client through an outage', () => {
  it('fails commands fast while Redis is cut off, then works again by itself', async () => {
    const seen: string[] = [];
    const logger = createLogger({
      service: 'redis-outage-test',
      destination: { write: (line: string) => void seen.push((JSON.parse(line) as { msg: string }).msg) },
    });
    const redis = client({ logger });
    await redis.set(key, 'before', 'PX', 60_000);

    const inFlight = redis.get(key);
    proxy.cut(); // a restart: the open connection is reset, new ones are refused
    await inFlight.then(
      (value) => expect(value).toBe('before'), // it may have been answered before the reset
      (err: unknown) => expect(isDependencyUnavailable(err)).toBe(true),
    );

    const outageEnds = Date.now() + 2_500;
    while (Date.now() < outageEnds) {
      await failsFast(() => redis.get(key));
      await failsFast(() => redis.set(key, 'during', 'PX', 60_000));
      await sleep(200);
    }

    proxy.restore();
    // Reconnect backoff is capped at 2 s (plus jitter).
    expect(await eventually(() => redis.get(key), 3_000)).toBe('before');
    await redis.del(key);
    expect(seen).toEqual(['Redis connection lost; reconnecting', 'Redis connection restored']);
    expect(watch.errors).toEqual([]);
  });

  it('queues the commands issued before the first connection, and only those', async () => {
    const fresh = client();
    expect(fresh.status).not.toBe('ready');
    expect(await fresh.ping()).toBe('PONG');
    const strict = client({ offlineQueue: false });
    await expect(strict.ping()).rejects.toSatisfy(isDependencyUnavailable);
  });

  it('never replays, after the reconnect, a write that failed during the outage', async () => {
    const redis = client();
    await redis.ping();
    proxy.cut();
    await failsFast(() => redis.set(`${key}:ghost`, 'late', 'PX', 60_000));
    proxy.restore();
    await eventually(() => redis.ping(), 3_000);
    expect(await redis.exists(`${key}:ghost`)).toBe(0);
    expect(watch.errors).toEqual([]);
  });
});
