/**
 * Test wiring: the queue's deps over the real Redis with a key prefix of their own per test file, a movable
 * clock, a throwaway token issuer, the app built exactly as the server builds it, and cleanup.
 */
import { randomBytes } from 'node:crypto';
import { createTestIssuer, type TestIssuer } from '@rail/auth-verify/testing';
import type { App } from '@rail/http';
import { createLogger } from '@rail/logger';
import { parsePassKeys } from '@rail/queue-pass';
import { createRedis, type Redis } from '@rail/redis';
import { buildApp } from '../src/app.js';
import type { QueueDeps } from '../src/deps.js';
import { SaleStore } from '../src/redis/sale-store.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const PASS_SECRET = `t1:${'s'.repeat(40)}`;

export function testPrefix(name: string): string {
  return `test:queue:${name}:${randomBytes(4).toString('hex')}:`;
}

export function testRedis(url = REDIS_URL): Redis {
  return createRedis(url, { name: 'queue-test' });
}

export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

export interface Clock {
  now: () => number;
  set(ms: number): void;
  advance(ms: number): void;
}

export function testClock(start: number): Clock {
  let t = start;
  return {
    now: () => t,
    set: (ms) => void (t = ms),
    advance: (ms) => void (t += ms),
  };
}

export function testDeps(redis: Redis, prefix: string, clock: Clock, overrides: Partial<QueueDeps> = {}): QueueDeps {
  return {
    store: new SaleStore(redis, prefix),
    passKeys: parsePassKeys(PASS_SECRET),
    defaults: {
      rule: { opensDaysBefore: 10, opensAtLocal: '08:00', timeZone: 'Asia/Dhaka', roomOpensMinutesBefore: 30 },
      activeShoppers: 100,
      admissionsPerSecond: 10,
    },
    passTtlSeconds: 600,
    checkinGraceSeconds: 60,
    openingCheckinsPerSecond: 500,
    now: clock.now,
    logger: createLogger({ service: 'queue', level: 'silent' }),
    ...overrides,
  };
}

export async function testApp(deps: QueueDeps, redis: Redis): Promise<{ app: App; issuer: TestIssuer }> {
  const issuer = await createTestIssuer();
  const app = await buildApp({
    deps,
    redis,
    auth: { issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks, nodeEnv: 'test' },
  });
  await app.ready();
  return { app, issuer };
}

/** 2026-12-10 goes on sale 2026-11-30 at 08:00 Asia/Dhaka = 02:00 UTC. */
export const SALE = '2026-12-10';
export const OPENS_AT = Date.parse('2026-11-30T02:00:00.000Z');
