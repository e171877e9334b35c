/**
 * Redis clients with the settings the hot path wants: auto-pipelining (many concurrent requests share
 * round trips), a bounded retry per command (fail fast rather than hang a request), and reconnects.
 */
import { Redis, type RedisOptions } from 'ioredis';

export { Redis } from 'ioredis';

export interface CreateRedisOptions {
  /** Connection name shown by CLIENT LIST, e.g. `booking:commands`. */
  name: string;
  /** Queue commands while disconnected (true) or fail them at once (false). */
  offlineQueue?: boolean;
  extra?: RedisOptions;
}

export function createRedis(url: string, options: CreateRedisOptions): Redis {
  const redis = new Redis(url, {
    connectionName: options.name,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 5_000,
    commandTimeout: 5_000,
    enableOfflineQueue: options.offlineQueue ?? true,
    retryStrategy: (times) => Math.min(50 * 2 ** times, 2_000),
    lazyConnect: false,
    ...options.extra,
  });
  // Errors surface on the commands that fail; the connection event only needs to be observed.
  redis.on('error', () => undefined);
  return redis;
}

/** Resolves when PING answers; used by readiness checks. */
export async function pingRedis(redis: Redis): Promise<void> {
  const reply = await redis.ping();
  if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
}
