import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer } from '@rail/auth-verify/testing';
import { createTestContext, registerAndLogin, type TestContext } from '../helpers.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ LOGIN_MAX_FAILURES_PER_ADDRESS: '1000' });
});
afterAll(() => ctx.close());

const refresh = (refreshToken: string) => ctx.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
const logout = (refreshToken: string) => ctx.app.inject({ method: 'POST', url: '/api/auth/logout', payload: { refreshToken } });
const me = (authorization?: string) =>
  ctx.app.inject({ method: 'GET', url: '/api/auth/me', headers: authorization ? { authorization } : {} });

describe('POST /api/auth/refresh', () => {
  it('rotates: returns a new access and refresh token and spends the old one', async () => {
    const { tokens } = await registerAndLogin(ctx.app);
    const res = await refresh(tokens.refreshToken);
    expect(res.statusCode).toBe(200);
    const next = res.json();
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(next.user.id).toBe(tokens.user.id);
    expect((await me(`Bearer ${next.token}`)).statusCode).toBe(200);
    expect((await refresh(next.refreshToken)).statusCode).toBe(200);
  });

  it('stores refresh tokens only as hashes', async () => {
    const { tokens } = await registerAndLogin(ctx.app);
    const { rows } = await ctx.pool.query('SELECT token_hash FROM refresh_tokens WHERE user_id = $1', [tokens.user.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash.length).toBe(32);
    expect(rows[0].token_hash.toString('base64url')).not.toBe(tokens.refreshToken);
  });

  it('revokes the whole family when a spent refresh token is presented again', async () => {
    const { tokens } = await registerAndLogin(ctx.app);
    const second = (await refresh(tokens.refreshToken)).json().refreshToken as string;
    const reuse = await refresh(tokens.refreshToken);
    expect(reuse.statusCode).toBe(401);
    expect(reuse.json().code).toBe('REFRESH_TOKEN_REUSED');
    // The legitimate-looking newest token of that family is dead too.
    const after = await refresh(second);
    expect(after.statusCode).toBe(401);
    expect(after.json().code).toBe('REFRESH_TOKEN_REVOKED');
  });

  it('does not touch the user’s other sessions when one family is revoked', async () => {
    const { body, tokens } = await registerAndLogin(ctx.app);
    const otherLogin = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: body.email, password: body.password },
    });
    await refresh(tokens.refreshToken);
    await refresh(tokens.refreshToken);
    expect((await refresh(otherLogin.json().refreshToken)).statusCode).toBe(200);
  });

  it('lets only one of two simultaneous refreshes with one token win', async () => {
    const { tokens } = await registerAndLogin(ctx.app);
    const results = await Promise.all([refresh(tokens.refreshToken), refresh(tokens.refreshToken)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
  });

  it('refuses an expired refresh token', async () => {
    const { tokens } = await registerAndLogin(ctx.app);
    await ctx.pool.query("UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1", [
      tokens.user.id,
    ]);
    const res = await refresh(tokens.refreshToken);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('REFRESH_TOKEN_EXPIRED');
  });

  it('refuses an unknown refresh token with 401 and a missing one with 400', async () => {
    expect((await refresh('made-up-token')).json()).toMatchObject({ status: 401, code: 'REFRESH_TOKEN_INVALID' });
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: {} });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: 'body.refreshToken', message: 'is required' }]);
  });
});

describe('POST /api/auth/logout', () => {
  it('ends the session so its refresh token no longer works', async () => {
    const { tokens } = await registerAndLogin(ctx.app);
    const res = await logout(tokens.refreshToken);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBe('');
    expect((await refresh(tokens.refreshToken)).json().code).toBe('REFRESH_TOKEN_REVOKED');
  });

  it('is idempotent for an unknown or already-ended session, and 400 without a token', async () => {
    expect((await logout('made-up-token')).statusCode).toBe(204);
    const { tokens } = await registerAndLogin(ctx.app);
    await logout(tokens.refreshToken);
    expect((await logout(tokens.refreshToken)).statusCode).toBe(204);
    expect((await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', payload: {} })).statusCode).toBe(400);
  });
});

describe('GET /api/auth/me', () => {
  it('returns the signed-in user', async () => {
    const { body, tokens } = await registerAndLogin(ctx.app);
    const res = await me(`Bearer ${tokens.token}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ id: tokens.user.id, email: body.email, name: body.name });
  });

  it('answers 401 with a problem body without a token, with a malformed one, or with one from another issuer', async () => {
    const foreign = await createTestIssuer();
    for (const authorization of [undefined, 'Bearer', 'Bearer not.a.jwt', `Bearer ${await foreign.sign({ sub: 'x' })}`]) {
      const res = await me(authorization);
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('answers 401 when the account behind a valid token is gone', async () => {
    const { tokens } = await registerAndLogin(ctx.app);
    await ctx.pool.query('DELETE FROM users WHERE id = $1', [tokens.user.id]);
    const res = await me(`Bearer ${tokens.token}`);
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('USER_NOT_FOUND');
  });
});

describe('GET /api/auth/.well-known/jwks.json', () => {
  it('publishes the public signing key, cacheable, without any private part', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/auth/.well-known/jwks.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const { keys } = res.json();
    expect(keys[0]).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: expect.any(String),
      kid: ctx.deps.keys.kid,
      alg: 'EdDSA',
      use: 'sig',
    });
    expect(res.body).not.toContain('"d"');
  });
});

describe('GET /api/auth/openapi.json', () => {
  it('documents every auth endpoint from the contract schemas', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/auth/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const path of ['register', 'login', 'refresh', 'logout', 'me', 'otp/request', 'otp/verify', '.well-known/jwks.json']) {
      expect(paths).toContain(`/api/auth/${path}`);
    }
  });
});
