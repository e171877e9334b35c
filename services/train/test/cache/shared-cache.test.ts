import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis, type Redis } from '@rail/redis';
import { createSharedCache } from '../../src/cache/shared-cache.js';
import { deleteKeys, logger } from '../helpers.js';

const prefix = `test:train:${randomBytes(5).toString('hex')}:`;
const redis: Redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'train-test' });

afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

describe('shared cache (Redis)', () => {
  it('loads once, then serves from Redis until the TTL passes', async () => {
    const cache = createSharedCache(redis, prefix, logger);
    let loads = 0;
    const load = async () => ({ n: ++loads });
    expect(await cache.getOrLoad('k', 200, load)).toEqual({ n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await cache.getOrLoad('k', 200, load)).toEqual({ n: 1 });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await cache.getOrLoad('k', 200, load)).toEqual({ n: 2 });
  });

  it('shares one load between concurrent misses for a key', async () => {
    const cache = createSharedCache(redis, prefix, logger);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      return 'v';
    };
    const values = await Promise.all(Array.from({ length: 20 }, () => cache.getOrLoad('burst', 1_000, load)));
    expect(values).toEqual(Array(20).fill('v'));
    expect(loads).toBe(1);
  });

  it('shares one load between concurrent misses even when the loader answers null', async () => {
    const cache = createSharedCache(redis, prefix, logger);
    let loads = 0;
    const load = async () => {
      loads++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      return null;
    };
    expect(await Promise.all(Array.from({ length: 5 }, () => cache.getOrLoad('nothing', 1_000, load)))).toEqual(
      Array(5).fill(null),
    );
    expect(loads).toBe(1);
  });

  it('does not cache when the TTL is 0', async () => {
    const cache = createSharedCache(redis, prefix, logger);
    let loads = 0;
    await cache.getOrLoad('off', 0, async () => ++loads);
    await cache.getOrLoad('off', 0, async () => ++loads);
    expect(loads).toBe(2);
    expect(await redis.exists(`${prefix}off`)).toBe(0);
  });

  it('fails open to the source when Redis is cut off', async () => {
    // A TCP proxy in front of the real Redis, cut to simulate the outage.
    const sockets = new Set<Socket>();
    const server: Server = createServer((client) => {
      const upstream = connect(6379, '127.0.0.1');
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const viaProxy = createRedis(`redis://127.0.0.1:${port}`, {
      name: 'train-test-proxy',
      offlineQueue: false,
      extra: { commandTimeout: 200, maxRetriesPerRequest: 0 },
    });
    const cache = createSharedCache(viaProxy, prefix, logger);
    expect(await cache.getOrLoad('outage', 1_000, async () => 'fresh')).toBe('fresh');

    server.close();
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    expect(await cache.getOrLoad('outage-2', 1_000, async () => 'from source')).toBe('from source');
    expect(await cache.getMany(['outage'])).toEqual([undefined]);
    expect(Date.now() - started).toBeLessThan(1_000);
    viaProxy.disconnect();
  });
});
