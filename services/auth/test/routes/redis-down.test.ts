/**
 * Sign-in with its Redis away: the failure counters are unavailable, so login answers a fast 503
 * AUTH_STORE_UNAVAILABLE with Retry-After (fail closed, never unlimited guessing, never a hang), whether
 * the connection is refused (a restarting Redis) or accepted and silent (a black-holed network); once
 * Redis is back, login works again without a restart. The Redis sits behind a TCP proxy; the shared
 * server is never touched.
 */
import { startTcpProxy, watchProcessErrors, type ProcessErrorWatch, type TcpProxy } from '@rail/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, registration, type TestContext } from '../helpers.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
let proxy: TcpProxy;
let ctx: TestContext;
let errors: ProcessErrorWatch;
const user = registration();

beforeAll(async () => {
  errors = watchProcessErrors();
  const target = new URL(REDIS_URL);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
  ctx = await createTestContext({ REDIS_URL: proxy.urlFor(REDIS_URL) });
  const reg = await ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: user });
  expect(reg.statusCode).toBe(201);
});
afterAll(async () => {
  proxy?.restore();
  await ctx?.close();
  await proxy?.close();
  errors?.stop();
});

async function timedLogin(password = user.password) {
  const started = Date.now();
  const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password } });
  return { res, ms: Date.now() - started };
}

function expectFast503({ res, ms }: Awaited<ReturnType<typeof timedLogin>>, withinMs: number) {
  expect(res.statusCode).toBe(503);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.json()).toMatchObject({ status: 503, code: 'AUTH_STORE_UNAVAILABLE' });
  expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(ms).toBeLessThan(withinMs);
}

async function untilLoginWorks(deadlineMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const { res } = await timedLogin();
    if (res.statusCode === 200) return Date.now() - started;
    if (Date.now() - started > deadlineMs) throw new Error(`login still ${res.statusCode} after ${deadlineMs} ms: ${res.body}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('login with Redis down', () => {
  it('works while Redis is up', async () => {
    expect((await timedLogin()).res.statusCode).toBe(200);
  });

  it('answers 503 with Retry-After at once while the connection is refused, and recovers by itself', async () => {
    proxy.cut();
    for (const password of [user.password, 'Wrong-Password#1']) expectFast503(await timedLogin(password), 500);
    proxy.restore();
    expect(await untilLoginWorks(5_000)).toBeLessThan(5_000);
  });

  it('answers 503 quickly while Redis accepts connections and never answers, and recovers by itself', async () => {
    proxy.cut();
    proxy.restore();
    proxy.stall();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expectFast503(await timedLogin(), 1_500);
    proxy.restore();
    // The held connection never became ready; ioredis gives up on it (connect timeout) and reconnects.
    expect(await untilLoginWorks(10_000)).toBeLessThan(10_000);
  });

  it('left no unhandled error behind', () => {
    expect(errors.errors).toEqual([]);
  });
});
