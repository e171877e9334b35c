/**
 * Per-account rate limits, keyed on the verified user id (`sub`), never on the token text: an account
 * that holds several valid access tokens (fresh ones from refresh while the old ones live on) shares one
 * budget. Counters live in Redis (rate-limiter-flexible), so the budget holds across every replica; while
 * Redis is unreachable each replica falls back to counting in its own memory (the library's insurance
 * limiter), so requests are still limited, at most by the replica count more loosely, and never wait for
 * Redis. A refused request is a 429 problem, code RATE_LIMITED, with Retry-After.
 *
 * Each budget is `perSecond` requests in every one-second window plus a shared allowance of `burst`
 * extra requests per BURST_WINDOW_SECONDS (rate-limiter-flexible's BurstyRateLimiter): short bursts
 * pass, and the sustained rate is at most perSecond + burst / BURST_WINDOW_SECONDS.
 */
import type { FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { requireUser } from '@rail/auth-verify';
import { TooManyRequestsError } from '@rail/errors';

export interface UserBudget {
  /** Names the counter in Redis; budgets with the same name share it. */
  name: string;
  perSecond: number;
  burst: number;
}

export const BURST_WINDOW_SECONDS = 10;

/**
 * The per-user budgets, the same as the gateway's per-user zones (gateway/render.ts: strict 1r/s burst 10,
 * select 5r/s burst 10, api 20r/s burst 50), now counted per account at the services.
 */
export const USER_BUDGETS = {
  /** Every authenticated request of a service. */
  api: { name: 'api', perSecond: 20, burst: 50 },
  /** Seat selection: holds seats, the scarce resource (at most 6/s sustained). */
  select: { name: 'select', perSecond: 5, burst: 10 },
  /** Code checks (booking OTP). */
  strict: { name: 'strict', perSecond: 1, burst: 10 },
} as const satisfies Record<string, UserBudget>;

export interface UserRateLimitOptions {
  redis: Redis;
  /** Prefix of the counters' keys, e.g. `booking:rl:`; replicas of one service must share it. */
  keyPrefix: string;
}

export type UserRateLimitHook = (request: FastifyRequest) => Promise<void>;

/** Builds onRequest hooks (run them after `app.authenticate`) that count each request against a user budget. */
export function createUserRateLimit(options: UserRateLimitOptions): (budget: UserBudget) => UserRateLimitHook {
  const store = (keyPrefix: string, points: number, duration: number) =>
    new RateLimiterRedis({
      storeClient: options.redis,
      keyPrefix,
      points,
      duration,
      // Never queue behind a reconnecting client: count in memory at once instead.
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
    });
  const limiters = new Map<string, BurstyRateLimiter>();
  const limiterFor = (budget: UserBudget) => {
    let limiter = limiters.get(budget.name);
    if (!limiter) {
      const prefix = `${options.keyPrefix}${budget.name}`;
      limiter = new BurstyRateLimiter(
        store(prefix, budget.perSecond, 1),
        store(`${prefix}:burst`, budget.burst, BURST_WINDOW_SECONDS),
      );
      limiters.set(budget.name, limiter);
    }
    return limiter;
  };

  return (budget) => {
    const limiter = limiterFor(budget);
    return async (request) => {
      const user = requireUser(request);
      try {
        await limiter.consume(user.id);
      } catch (rejection) {
        // Redis errors never get here (the in-memory fallback answers instead).
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        throw new TooManyRequestsError(
          'Too many requests for this account; slow down',
          Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)),
          'RATE_LIMITED',
        );
      }
    };
  };
}
