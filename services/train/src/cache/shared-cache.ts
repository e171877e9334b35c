/**
 * A short-lived cache in Redis shared by every replica: JSON values with a TTL in milliseconds. Redis stays
 * the one tier that holds values, so every replica answers alike; in process, @rail/cache (TTL 0) only makes
 * concurrent misses for one key share one load, so a burst of identical searches costs one query.
 * The cache fails open: when Redis errors or is slow, the value is loaded from the source instead.
 */
import { createCache } from '@rail/cache';
import type { Redis } from '@rail/redis';
import type { Logger } from '@rail/logger';

export interface SharedCache {
  /** `ttlMs` <= 0 disables caching for this call (the loader runs every time). */
  getOrLoad<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T>;
  /** Reads many keys at once; missing or unreadable ones are undefined. */
  getMany<T>(keys: string[]): Promise<(T | undefined)[]>;
  setMany(entries: [string, unknown][], ttlMs: number): void;
}

export function createSharedCache(redis: Redis, prefix: string, logger: Logger): SharedCache {
  const warn = (err: unknown) => logger.warn({ err }, 'cache unavailable; serving from the source');

  async function read<T>(key: string): Promise<T | undefined> {
    try {
      const raw = await redis.get(prefix + key);
      return raw === null ? undefined : (JSON.parse(raw) as T);
    } catch (err) {
      warn(err);
      return undefined;
    }
  }

  function write(key: string, value: unknown, ttlMs: number): void {
    redis.set(prefix + key, JSON.stringify(value), 'PX', ttlMs).catch(warn);
  }

  // Boxed, so a loader answering null or undefined is a value like any other, not "not found".
  const loads = createCache<string, { value: unknown }, { ttlMs: number; load: () => Promise<unknown> }>({
    // Holds only the last answer per key (nothing reads it but a load in flight): a small bound will do.
    max: 1_000,
    ttlMs: 0,
    async load(key, { context }) {
      const hit = await read(key);
      if (hit !== undefined) return { value: hit };
      const value = await context.load();
      write(key, value, context.ttlMs);
      return { value };
    },
  });

  return {
    async getOrLoad<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
      if (ttlMs <= 0) return load();
      return (await loads.get(key, { ttlMs, load }))?.value as T;
    },
    async getMany<T>(keys: string[]): Promise<(T | undefined)[]> {
      // One GET per key (auto-pipelined into one round trip) rather than MGET, so keys may live in
      // different Redis Cluster slots.
      return Promise.all(keys.map((k) => read<T>(k)));
    },
    setMany(entries: [string, unknown][], ttlMs: number): void {
      if (ttlMs <= 0) return;
      for (const [key, value] of entries) write(key, value, ttlMs);
    },
  };
}
