/**
 * Redis clients with the settings the hot path wants: auto-pipelining (many concurrent requests share round
 * trips), and commands that fail fast during an outage instead of hanging a request, with reconnects forever.
 *
 * During an outage (see packages/redis/README.md):
 * - no offline queue once connected: a command while disconnected fails at once ("Stream isn't writeable"), so
 *   nothing piles up in memory and nothing a caller already gave up on runs later. Commands issued before the
 *   first connection wait for it (until that attempt fails, at most the command timeout), so start-up needs no
 *   special care;
 * - a command in flight when the connection drops fails at once (maxRetriesPerRequest 0) and is never re-sent;
 * - every command has a 1 s timeout, and a connection attempt 2 s;
 * - the client reconnects with capped backoff (100 ms doubling to 2 s) and never gives up.
 * Every one of those errors is one `isDependencyUnavailable` (@rail/http) answers with 503 + Retry-After.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '@rail/logger';

export { Redis } from 'ioredis';

export const DEFAULT_COMMAND_TIMEOUT_MS = 1_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;

export interface CreateRedisOptions {
  /** Connection name shown by CLIENT LIST, e.g. `booking:commands`. */
  name: string;
  /**
   * 'startup' (default): commands wait for the first connection, later ones fail at once while disconnected.
   * false: never queue (commands before the first connection fail too). true: always queue while disconnected,
   * each command still bounded by the command timeout (a timed-out queued command is still sent on reconnect).
   */
  offlineQueue?: boolean | 'startup';
  /** Told once when the connection is lost and once when it is back. */
  logger?: Pick<Logger, 'warn' | 'info'>;
  /** ioredis options overriding the defaults above (e.g. a shorter commandTimeout for a cache). */
  extra?: RedisOptions;
}

/** Reconnect delay: 100 ms doubling to 2 s, with jitter so replicas do not reconnect in lockstep. */
export function reconnectDelayMs(attempt: number): number {
  const base = Math.min(100 * 2 ** Math.max(0, attempt - 1), 2_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export function createRedis(url: string, options: CreateRedisOptions): Redis {
  const queueMode = options.offlineQueue ?? 'startup';
  const redis = new Redis(url, {
    connectionName: options.name,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    connectTimeout: DEFAULT_CONNECT_TIMEOUT_MS,
    commandTimeout: DEFAULT_COMMAND_TIMEOUT_MS,
    enableOfflineQueue: queueMode !== false,
    retryStrategy: reconnectDelayMs,
    lazyConnect: false,
    ...options.extra,
  });
  if (queueMode === 'startup' && options.extra?.enableOfflineQueue === undefined) {
    // ioredis reads the option on every command: from the first ready on, a command while down fails at once.
    redis.once('ready', () => {
      redis.options.enableOfflineQueue = false;
    });
  }
  // Errors surface on the commands that fail; the connection's own events are only observed (an 'error'
  // event without a listener would end the process). The logger hears once per outage, not per attempt.
  let lastError: Error | undefined;
  let down = false;
  redis.on('error', (err: Error) => {
    lastError = err;
  });
  redis.on('reconnecting', () => {
    if (down) return;
    down = true;
    options.logger?.warn({ err: lastError, redis: options.name }, 'Redis connection lost; reconnecting');
  });
  redis.on('ready', () => {
    lastError = undefined;
    if (!down) return;
    down = false;
    options.logger?.info({ redis: options.name }, 'Redis connection restored');
  });
  return redis;
}

/** Resolves when PING answers; used by readiness checks. */
export async function pingRedis(redis: Redis): Promise<void> {
  const reply = await redis.ping();
  if (reply !== 'PONG') throw new Error(`unexpected PING reply ${reply}`);
}
