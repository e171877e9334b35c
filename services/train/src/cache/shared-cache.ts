/**
 * A short-lived cache in Redis shared by every replica: JSON values with a TTL in milliseconds. Concurrent
 * misses for one key in this process share one load, so a burst of identical searches costs one query.
 * The cache fails open: when Redis errors or is slow, the value is loaded from the source instead.
 */
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
  const loading = new Map<string, Promise<unknown>>();
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

  return {
    async getOrLoad<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
      if (ttlMs <= 0) return load();
      const pending = loading.get(key);
      if (pending) return pending as Promise<T>;
      const promise = (async () => {
        const hit = await read<T>(key);
        if (hit !== undefined) return hit;
        const value = await load();
        write(key, value, ttlMs);
        return value;
      })().finally(() => loading.delete(key));
      loading.set(key, promise);
      return promise;
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
