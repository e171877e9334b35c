import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '@rail/db';
import { createRedis } from '@rail/redis';
import { buildApp } from '../../src/app.js';
import { AttemptLimiter } from '../../src/security/attempt-limiter.js';
import { createTestContext, registration, TEST_PASSWORD, type TestContext } from '../helpers.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3', LOGIN_MAX_FAILURES_PER_ADDRESS: '6' });
});
afterAll(() => ctx.close());

let address = 0;
/** Each test signs in from its own client address (X-Forwarded-For from the trusted local proxy). */
function client() {
  address += 1;
  const ip = `198.51.100.${address}`;
  return (email: string, password: string) =>
    ctx.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'x-forwarded-for': ip }, payload: { email, password } });
}

async function newUser() {
  const body = registration();
  const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/register', payload: body });
  expect(res.statusCode).toBe(201);
  return body;
}

const withoutRequestId = (body: Record<string, unknown>) => ({ ...body, requestId: undefined });

describe('POST /api/auth/login', () => {
  it('returns an EdDSA access token with kid, issuer, audience, subject and contact claims, and a refresh token', async () => {
    const user = await newUser();
    const res = await client()(user.email.toUpperCase(), TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshToken: expect.any(String) });
    expect(body.user).toMatchObject({ email: user.email, name: user.name });

    const header = decodeProtectedHeader(body.token);
    expect(header).toMatchObject({ alg: 'EdDSA', kid: ctx.deps.keys.kid });
    const { payload } = await jwtVerify(body.token, createLocalJWKSet({ keys: ctx.deps.keys.publicKeys }), {
      issuer: 'rail-auth',
      audience: 'rail',
    });
    expect(payload).toMatchObject({ sub: body.user.id, email: user.email, phone: body.user.phone, name: user.name });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(900);
  });

  it('gives the same 401 for an unknown e-mail and a wrong password', async () => {
    const user = await newUser();
    const login = client();
    const wrong = await login(user.email, 'Wrong-password-1');
    const unknown = await login('nobody@example.com', 'Wrong-password-1');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(withoutRequestId(wrong.json())).toEqual(withoutRequestId(unknown.json()));
    expect(wrong.json().code).toBe('INVALID_CREDENTIALS');
  });

  it('locks an account after repeated failures, even for the right password, with Retry-After', async () => {
    const user = await newUser();
    for (let i = 0; i < 3; i++) expect((await client()(user.email, 'Wrong-password-1')).statusCode).toBe(401);
    const locked = await client()(user.email, TEST_PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('LOGIN_LOCKED');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(ctx.config.LOGIN_FAILURE_WINDOW_SECONDS);

    // Another account is unaffected.
    const other = await newUser();
    expect((await client()(other.email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('ends the lockout when the window expires', async () => {
    const user = await newUser();
    for (let i = 0; i < 3; i++) await client()(user.email, 'Wrong-password-1');
    expect((await client()(user.email, TEST_PASSWORD)).statusCode).toBe(429);
    await ctx.redis.del(ctx.deps.limiter.key('login-failures', 'account', user.email));
    expect((await client()(user.email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('forgets an account’s failures after a successful login', async () => {
    const user = await newUser();
    const login = client();
    await login(user.email, 'Wrong-password-1');
    await login(user.email, 'Wrong-password-1');
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(200);
    await login(user.email, 'Wrong-password-1');
    await login(user.email, 'Wrong-password-1');
    expect((await login(user.email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('locks a client address that fails across many accounts', async () => {
    const login = client();
    for (let i = 0; i < 6; i++) expect((await login(`guess${i}@example.com`, 'Wrong-password-1')).statusCode).toBe(401);
    const user = await newUser();
    const res = await login(user.email, TEST_PASSWORD);
    expect(res.statusCode).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // The same account from another address still signs in.
    expect((await client()(user.email, TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('answers 400 naming a missing field', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@example.com' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: 'body.password', message: 'is required' }]);
  });

  it('answers 503, not 401 or 500, when the lockout counters are unreachable', async () => {
    const user = await newUser();
    const dead = createRedis('redis://127.0.0.1:1', {
      name: 'auth:test:dead',
      offlineQueue: false,
      extra: { retryStrategy: () => null },
    });
    const app = await buildApp({ ...ctx.deps, limiter: new AttemptLimiter(dead, 'unused:') });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: user.email, password: TEST_PASSWORD },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('AUTH_STORE_UNAVAILABLE');
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await app.close();
      dead.disconnect();
    }
  });

  it('answers 503, not 500, when the database is unreachable', async () => {
    const deadPool = createPool('postgres://postgres@127.0.0.1:1/auth_db');
    const app = await buildApp({ ...ctx.deps, pool: deadPool });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: 'a@example.com', password: TEST_PASSWORD },
      });
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('DEPENDENCY_UNAVAILABLE');
      expect(res.headers['retry-after']).toBe('2');
      expect(res.body).not.toContain('127.0.0.1');
    } finally {
      await app.close();
      await deadPool.end();
    }
  });
});
