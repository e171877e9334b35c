/**
 * Fixed-window counters in Redis for things that must be limited across every replica: failed logins per
 * account and per client address, OTP sends per phone and per address. A key is created with its window
 * as TTL on the first hit; while its count is at the limit, the caller is refused until the key expires.
 * Redis being unreachable becomes a 503 (fail closed): without the counters, brute force would be unlimited.
 * It is a fast 503: the client made by createAttemptRedis fails commands at once while disconnected and
 * after ATTEMPT_COMMAND_TIMEOUT_MS without an answer, instead of queueing them for the default 5 s.
 */
import { createRedis, type Redis } from '@rail/redis';
import { ServiceUnavailableError } from '@rail/errors';

export interface LimitState {
  count: number;
  /** Seconds until the window ends (at least 1 while a window is open, 0 when there is none). */
  retryAfter: number;
}

// INCR, and set the window on the first hit; returns {count, ttl in ms}.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}
`;

// SET NX with a TTL; when the key exists, return its remaining TTL in ms (0 when claimed now).
const CLAIM_SCRIPT = `
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return 1 end
return ttl
`;

/** How long a counter may take before sign-in answers 503 (a stalled Redis, not a refused connection). */
export const ATTEMPT_COMMAND_TIMEOUT_MS = 1_000;

/** The auth service's Redis client: no offline queue, no retries, a short command timeout (see above). */
export function createAttemptRedis(url: string, name = 'auth'): Redis {
  return createRedis(url, {
    name,
    offlineQueue: false,
    extra: { maxRetriesPerRequest: 0, commandTimeout: ATTEMPT_COMMAND_TIMEOUT_MS },
  });
}

function seconds(ms: number): number {
  return ms <= 0 ? 0 : Math.max(1, Math.ceil(ms / 1000));
}

async function redisCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch {
    throw new ServiceUnavailableError('Sign-in is temporarily unavailable; try again shortly', 2, 'AUTH_STORE_UNAVAILABLE');
  }
}

export class AttemptLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  key(...parts: string[]): string {
    return this.prefix + parts.join(':');
  }

  /** Current counts of several counters in one round trip. */
  async peek(keys: string[]): Promise<LimitState[]> {
    return redisCall(async () => {
      const pipeline = this.redis.pipeline();
      for (const key of keys) pipeline.get(key).pttl(key);
      const replies = (await pipeline.exec()) ?? [];
      return keys.map((_, i) => {
        const count = Number(replies[2 * i]?.[1] ?? 0) || 0;
        const ttl = Number(replies[2 * i + 1]?.[1] ?? -2);
        return { count, retryAfter: seconds(ttl) };
      });
    });
  }

  /** Counts one more hit in each counter (opening a window of `windowSeconds` where none is open). */
  async hit(keys: string[], windowSeconds: number): Promise<LimitState[]> {
    return redisCall(() =>
      Promise.all(
        keys.map(async (key) => {
          const [count, ttl] = (await this.redis.eval(HIT_SCRIPT, 1, key, windowSeconds * 1000)) as [number, number];
          return { count, retryAfter: seconds(ttl) };
        }),
      ),
    );
  }

  /** Takes a cooldown slot; returns 0 when taken, else the seconds until it frees. */
  async claim(key: string, cooldownSeconds: number): Promise<number> {
    const ttl = await redisCall(() => this.redis.eval(CLAIM_SCRIPT, 1, key, cooldownSeconds * 1000) as Promise<number>);
    return seconds(ttl);
  }

  async clear(...keys: string[]): Promise<void> {
    if (keys.length > 0) await redisCall(() => this.redis.del(...keys));
  }
}
