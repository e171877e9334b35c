/**
 * The designed degradation with Redis down, through a TCP proxy in front of the real Redis: a route that refuses
 * answers 503 DEPENDENCY_UNAVAILABLE + Retry-After at once; a route that proceeds runs without its key; both use
 * their keys again once Redis is back, without a restart, and nothing reaches the process as an unhandled error.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '@rail/http';
import { createLogger } from '@rail/logger';
import { createRedis, type Redis } from '@rail/redis';
import { idempotencyHooks, IdempotencyKeyHeaders, redisIdempotencyStore } from '@rail/idempotency';
import { startTcpProxy, watchProcessErrors, type ProcessErrorWatch, type TcpProxy } from '@rail/testing';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test:idem-outage:${randomUUID()}:`;
let proxy: TcpProxy;
let redis: Redis;
let app: App;
let watch: ProcessErrorWatch;
let runs = 0;

beforeAll(async () => {
  const target = new URL(REDIS_URL);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  redis = createRedis(proxy.urlFor(REDIS_URL), { name: 'idempotency-outage-test' });
  watch = watchProcessErrors();
  app = await createApp({
    service: 'idem-outage',
    logger: createLogger({ service: 'idem-outage', level: 'silent' }),
    apiPrefix: '/api',
  });
  const store = redisIdempotencyStore(redis, { prefix });
  const owner = () => 'u1';
  for (const mode of ['refuse', 'proceed'] as const) {
    app.post(
      `/${mode}`,
      { ...idempotencyHooks({ store, owner, whenStoreUnavailable: mode }), schema: { headers: IdempotencyKeyHeaders } },
      async (_request, reply) => reply.status(201).send({ run: ++runs }),
    );
  }
  await app.ready();
});

afterAll(async () => {
  await app.close();
  redis.disconnect();
  await proxy.close();
  watch.stop();
  const cleanup = createRedis(REDIS_URL, { name: 'idempotency-outage-cleanup' });
  const keys = await cleanup.keys(`${prefix}*`);
  if (keys.length > 0) await cleanup.del(...keys);
  await cleanup.quit();
});

async function post(mode: 'refuse' | 'proceed', key: string) {
  const started = performance.now();
  const res = await app.inject({ method: 'POST', url: `/${mode}`, payload: {}, headers: { 'idempotency-key': key } });
  return { res, ms: performance.now() - started };
}

async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('Redis did not come back in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('idempotency with Redis down', () => {
  it('refuses fast with 503 + Retry-After, or proceeds without the key, and uses keys again once Redis is back', async () => {
    await redis.ping();
    proxy.cut();

    const refused = await post('refuse', randomUUID());
    expect(refused.res.statusCode).toBe(503);
    expect(refused.res.json()).toMatchObject({ code: 'DEPENDENCY_UNAVAILABLE' });
    expect(refused.res.headers['retry-after']).toBe('2');
    expect(refused.ms).toBeLessThan(1_500);

    const key = randomUUID();
    const first = await post('proceed', key);
    const again = await post('proceed', key);
    expect([first.res.statusCode, again.res.statusCode]).toEqual([201, 201]);
    // Without the store the repeat runs again: the route's own state has to make that harmless.
    expect(again.res.json().run).toBe(first.res.json().run + 1);
    expect(again.res.headers['idempotent-replayed']).toBeUndefined();
    expect(Math.max(first.ms, again.ms)).toBeLessThan(1_500);

    proxy.restore();
    await eventually(async () => (await post('refuse', randomUUID())).res.statusCode === 201, 3_000);
    for (const mode of ['refuse', 'proceed'] as const) {
      const k = randomUUID();
      const one = await post(mode, k);
      const two = await post(mode, k);
      expect(one.res.statusCode).toBe(201);
      expect(two.res.headers['idempotent-replayed']).toBe('true');
      expect(two.res.json()).toEqual(one.res.json());
    }
    expect(watch.errors).toEqual([]);
  });
});
