/**
 * Per-account limits against the real Redis: two replicas of a small service share one budget per user,
 * however many valid tokens the user holds; another user has their own; refusals are 429 RATE_LIMITED
 * with Retry-After; with Redis unreachable each replica still limits, in memory, and answers at once.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authVerify } from '@rail/auth-verify';
import { createTestIssuer, type TestIssuer } from '@rail/auth-verify/testing';
import { createApp, type App } from '@rail/http';
import { createLogger } from '@rail/logger';
import { createRedis, pingRedis, type Redis } from '@rail/redis';
import { createUserRateLimit, USER_BUDGETS } from '../src/index.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const { select } = USER_BUDGETS;

async function replica(issuer: TestIssuer, redis: Redis, keyPrefix: string): Promise<App> {
  const app = await createApp({
    service: 'demo',
    apiPrefix: '/api/demo',
    logger: createLogger({ service: 'demo', level: 'silent' }),
  });
  await app.register(authVerify, { issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks, nodeEnv: 'test' });
  const limit = createUserRateLimit({ redis, keyPrefix });
  app.post('/api/demo/select', { onRequest: [app.authenticate, limit(select)] }, async () => ({ ok: true }));
  await app.ready();
  return app;
}

let issuer: TestIssuer;
let redis: Redis;
let replicas: App[];
beforeAll(async () => {
  issuer = await createTestIssuer();
  redis = createRedis(REDIS_URL, { name: 'rate-limit-test' });
  // Until the client is ready the limiter counts in memory (per replica), which the first test would see.
  await pingRedis(redis);
  const keyPrefix = `test:rl:${randomUUID()}:`;
  replicas = [await replica(issuer, redis, keyPrefix), await replica(issuer, redis, keyPrefix)];
});
afterAll(async () => {
  await Promise.all(replicas.map((app) => app.close()));
  await redis.quit();
});

const post = (app: App, token: string) =>
  app.inject({ method: 'POST', url: '/api/demo/select', headers: { authorization: `Bearer ${token}` } });

/** Distinct valid tokens of one account, as refresh hands out while the earlier ones stay valid. */
const tokensOf = (sub: string, count: number) =>
  Promise.all(Array.from({ length: count }, (_, i) => issuer.sign({ sub, session: i })));

describe('per-user rate limit', () => {
  it('holds one budget per account across replicas and tokens, refusing the rest with 429 RATE_LIMITED', async () => {
    const sub = `user-${randomUUID()}`;
    const tokens = await tokensOf(sub, 8);
    expect(new Set(tokens).size).toBe(8);
    const responses = await Promise.all(
      Array.from({ length: 64 }, (_, i) => post(replicas[i % 2] as App, tokens[i % tokens.length] as string)),
    );
    const passed = responses.filter((res) => res.statusCode === 200).length;
    // One window's budget plus the burst allowance; a window boundary during the burst may add one more window.
    expect(passed).toBeGreaterThanOrEqual(select.perSecond + select.burst);
    expect(passed).toBeLessThanOrEqual(2 * select.perSecond + select.burst);
    const refused = responses.filter((res) => res.statusCode !== 200);
    expect(refused.length).toBe(64 - passed);
    for (const res of refused) {
      expect(res.statusCode).toBe(429);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }

    // Another account is not affected by the first one's spending.
    const [other] = await tokensOf(`user-${randomUUID()}`, 1);
    expect((await post(replicas[0] as App, other as string)).statusCode).toBe(200);
  });

  it('keeps a sustained sender to about perSecond + burst / window', async () => {
    const [token] = await tokensOf(`user-${randomUUID()}`, 1);
    let passed = 0;
    const started = Date.now();
    while (Date.now() - started < 2_500) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => post(replicas[0] as App, token as string)));
      passed += batch.filter((res) => res.statusCode === 200).length;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // At most 4 one-second windows touched in 2.5 s, plus the burst allowance once.
    expect(passed).toBeLessThanOrEqual(4 * select.perSecond + select.burst);
    expect(passed).toBeGreaterThanOrEqual(2 * select.perSecond);
  });
});

describe('per-user rate limit with Redis unreachable', () => {
  it('still limits each replica in memory and answers at once', async () => {
    // Nothing listens on port 1: the client never becomes ready, so every count falls back to memory.
    const down = createRedis('redis://127.0.0.1:1', { name: 'rate-limit-down', extra: { retryStrategy: () => 200 } });
    const app = await replica(issuer, down, `test:rl:${randomUUID()}:`);
    try {
      const [token] = await tokensOf(`user-${randomUUID()}`, 1);
      const started = Date.now();
      const responses = await Promise.all(Array.from({ length: 30 }, () => post(app, token as string)));
      expect(Date.now() - started).toBeLessThan(1_000);
      const passed = responses.filter((res) => res.statusCode === 200).length;
      expect(passed).toBeGreaterThanOrEqual(select.perSecond + select.burst);
      expect(passed).toBeLessThanOrEqual(2 * select.perSecond + select.burst);
      expect(responses.filter((res) => res.statusCode === 429)).toHaveLength(30 - passed);
    } finally {
      await app.close();
      down.disconnect();
    }
  });
});
