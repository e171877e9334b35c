/**
 * authVerify inside a small Fastify app, as every service uses it: a local key set (the claims, each
 * refusal, the verified-token memory, the test identity header), and a key set served over HTTP by a
 * local JWKS server (fetched, kept while that server is down, 503 when no keys were ever had). That the
 * auth service's own tokens verify this way is proven in services/auth/test/routes/jwks-verify.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp, type App } from '@rail/http';
import { createLogger } from '@rail/logger';
import { authVerify, requireUser, TEST_USER_HEADER, type AuthVerifyOptions } from '../src/index.js';
import { createTestIssuer, type TestIssuer } from '../src/testing.js';

/** A small service with one protected route, verifying exactly as the real services do. */
async function protectedApp(options: Partial<AuthVerifyOptions> & Pick<AuthVerifyOptions, 'nodeEnv'>): Promise<App> {
  const app = await createApp({
    service: 'demo',
    apiPrefix: '/api/demo',
    logger: createLogger({ service: 'demo', level: 'silent' }),
  });
  await app.register(authVerify, { issuer: 'rail-auth', audience: 'rail', ...options });
  app.get('/api/demo/me', { onRequest: app.authenticate }, async (request) => ({ user: requireUser(request) }));
  await app.ready();
  return app;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

let issuer: TestIssuer;
let app: App;
beforeAll(async () => {
  issuer = await createTestIssuer();
  app = await protectedApp({ jwks: issuer.jwks, nodeEnv: 'test' });
});
afterAll(() => app.close());

const call = (target: App, headers: Record<string, string> = {}) =>
  target.inject({ method: 'GET', url: '/api/demo/me', headers });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function expectRefused(headers: Record<string, string>, code = 'TOKEN_INVALID') {
  const res = await call(app, headers);
  expect(res.statusCode).toBe(401);
  expect(res.headers['content-type']).toContain('application/problem+json');
  expect(res.json()).toMatchObject({ status: 401, code, title: 'Unauthorized' });
}

describe('authVerify with a local key set', () => {
  it('lets a valid token through and types request.user from its claims', async () => {
    const token = await issuer.sign({ sub: 'user-1', email: 'a@example.com', phone: '+8801712345678', name: 'A' });
    const res = await call(app, bearer(token));
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toEqual({ id: 'user-1', email: 'a@example.com', phone: '+8801712345678', name: 'A', roles: [] });
  });

  it("hands the token's roles on, also from the verified-token memory, and refuses malformed roles", async () => {
    const token = await issuer.sign({ sub: 'op-1', roles: ['admin'] });
    for (let i = 0; i < 2; i += 1) {
      const res = await call(app, bearer(token));
      expect(res.statusCode).toBe(200);
      expect(res.json().user).toEqual({ id: 'op-1', roles: ['admin'] });
    }
    for (const roles of [
      'admin',
      [1],
      ['Admin'],
      ['admin', 'admin'],
      [''],
      { 0: 'admin' },
      Array(17)
        .fill(0)
        .map((_, i) => `r${i}`),
    ]) {
      await expectRefused(bearer(await issuer.sign({ sub: 'op-2', roles })));
    }
  });

  it('refuses an expired token', async () => {
    await expectRefused(bearer(await issuer.sign({ sub: 'u' }, { expiresIn: now() - 60 })), 'TOKEN_EXPIRED');
  });

  it('remembers a verified token only until it expires', async () => {
    const token = await issuer.sign({ sub: 'user-cached' }, { expiresIn: '60s' });
    expect((await call(app, bearer(token))).statusCode).toBe(200);
    expect((await call(app, bearer(token))).json().user.id).toBe('user-cached');
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 120_000 });
    try {
      await expectRefused(bearer(token), 'TOKEN_EXPIRED');
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not let a tampered copy of a remembered token through', async () => {
    const token = await issuer.sign({ sub: 'user-2' });
    expect((await call(app, bearer(token))).statusCode).toBe(200);
    const [header, , signature] = token.split('.');
    await expectRefused(
      bearer(`${header}.${b64({ sub: 'admin', iss: 'rail-auth', aud: 'rail', iat: now(), exp: now() + 600 })}.${signature}`),
    );
  });

  it('refuses a wrong issuer and a wrong audience', async () => {
    await expectRefused(bearer(await issuer.sign({ sub: 'u' }, { issuer: 'evil-auth' })));
    await expectRefused(bearer(await issuer.sign({ sub: 'u' }, { audience: 'other-app' })));
  });

  it('refuses alg "none"', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'u', iss: 'rail-auth', aud: 'rail', iat: now(), exp: now() + 600 })}.`;
    await expectRefused(bearer(unsigned));
  });

  it('refuses HS256 signed with the public key as the secret', async () => {
    const publicJwk = issuer.jwks.keys[0] as { x: string; kid: string };
    for (const secret of [Buffer.from(publicJwk.x, 'base64url'), new TextEncoder().encode(JSON.stringify(publicJwk))]) {
      const forged = await new SignJWT({ sub: 'u' })
        .setProtectedHeader({ alg: 'HS256', kid: publicJwk.kid })
        .setIssuer('rail-auth')
        .setAudience('rail')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(secret);
      await expectRefused(bearer(forged));
    }
  });

  it('refuses an unknown kid and a key that is not in the set', async () => {
    await expectRefused(bearer(await issuer.sign({ sub: 'u' }, { kid: 'unknown-key' })));
    const stranger = await createTestIssuer();
    await expectRefused(bearer(await stranger.sign({ sub: 'u' })));
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = (await issuer.sign({ sub: 'user-1' })).split('.');
    const payload = b64({ sub: 'admin', iss: 'rail-auth', aud: 'rail', iat: now(), exp: now() + 600 });
    await expectRefused(bearer(`${header}.${payload}.${signature}`));
  });

  it('refuses a token without a subject', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const own = { ...(await exportJWK(privateKey)), d: undefined, kid: 'own', alg: 'EdDSA', use: 'sig' };
    const ownApp = await protectedApp({ jwks: { keys: [own] }, nodeEnv: 'test' });
    try {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'EdDSA', kid: 'own' })
        .setIssuer('rail-auth')
        .setAudience('rail')
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(privateKey);
      const res = await call(ownApp, bearer(token));
      expect(res.statusCode).toBe(401);
    } finally {
      await ownApp.close();
    }
  });

  it.each([
    ['no Authorization header', {}, 'TOKEN_MISSING'],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 'TOKEN_MISSING'],
    ['an empty bearer', { authorization: 'Bearer ' }, 'TOKEN_MISSING'],
    ['a token that is not a JWT', { authorization: 'Bearer abc.def' }, 'TOKEN_INVALID'],
    ['a header segment that is not JSON', { authorization: 'Bearer bm90LWpzb24.eyJzdWIiOiJ1In0.c2ln' }, 'TOKEN_INVALID'],
  ])('refuses %s', async (_label, headers, code) => {
    await expectRefused(headers as Record<string, string>, code);
  });
});

describe('one spelling and a bounded life per token', () => {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

  /** Every other spelling of the signature's last character that decodes to the same bytes. */
  function lastCharVariants(token: string): string[] {
    const body = token.slice(0, -1);
    const signature = token.split('.')[2] as string;
    const bytes = Buffer.from(signature, 'base64url');
    return [...ALPHABET]
      .filter((c) => c !== token.at(-1))
      .filter((c) => Buffer.from(signature.slice(0, -1) + c, 'base64url').equals(bytes))
      .map((c) => body + c);
  }

  it('refuses the 15 other encodings of the last signature character, even once the token is remembered', async () => {
    const token = await issuer.sign({ sub: 'user-variants' });
    expect((await call(app, bearer(token))).statusCode).toBe(200);
    const variants = lastCharVariants(token);
    // Ed25519: 64 bytes in 86 characters, the last one carrying 2 bits, so 16 spellings of the same bytes.
    expect(variants).toHaveLength(15);
    for (const variant of variants) await expectRefused(bearer(variant));
    expect((await call(app, bearer(token))).statusCode).toBe(200);
  });

  it('refuses padding and padded or non-canonical segments', async () => {
    const token = await issuer.sign({ sub: 'user-padding' });
    const [header, payload, signature] = token.split('.') as [string, string, string];
    // The standard-alphabet spelling differs only when the signature has a '-' or '_' (about 93 % of tokens).
    const standardAlphabet = `${header}.${payload}.${signature.replace(/-/g, '+').replace(/_/g, '/')}`;
    for (const variant of [
      `${token}==`,
      `${token}=`,
      `${header}=.${payload}.${signature}`,
      `${header}.${payload}==.${signature}`,
      `${header}.${payload}.${signature.slice(0, -1)}+`,
      ...(standardAlphabet === token ? [] : [standardAlphabet]),
      `${header}+.${payload}.${signature}`,
      `${header}.${payload}.${signature}.`,
    ]) {
      await expectRefused(bearer(variant));
    }
  });

  it('takes an audience only when it is exactly the configured one', async () => {
    expect(await call(app, bearer(await issuer.sign({ sub: 'u' }, { audience: ['rail'] })))).toMatchObject({ statusCode: 200 });
    await expectRefused(bearer(await issuer.sign({ sub: 'u' }, { audience: ['rail', 'other-app'] })));
    await expectRefused(bearer(await issuer.sign({ sub: 'u' }, { audience: ['other-app', 'rail'] })));
    await expectRefused(bearer(await issuer.sign({ sub: 'u' }, { audience: ['rail', 'rail'] })));
  });

  it('refuses an iat in the future beyond the clock skew, and tolerates a small skew', async () => {
    expect((await call(app, bearer(await issuer.sign({ sub: 'u' }, { issuedAt: now() + 10 })))).statusCode).toBe(200);
    await expectRefused(bearer(await issuer.sign({ sub: 'u' }, { issuedAt: now() + 120, expiresIn: now() + 600 })));
    await expectRefused(bearer(await issuer.sign({ sub: 'u' }, { issuedAt: now() + 86_400, expiresIn: now() + 86_400 + 600 })));
  });

  it('refuses a token older than the maximum age, though its exp is still ahead', async () => {
    const old = await issuer.sign({ sub: 'u' }, { issuedAt: now() - 16 * 60, expiresIn: now() + 60 });
    await expectRefused(bearer(old), 'TOKEN_EXPIRED');
  });

  it('refuses a token minted to live longer than the maximum age (a 10-year exp), from its first second', async () => {
    await expectRefused(bearer(await issuer.sign({ sub: 'u' }, { expiresIn: '3650d' })));
    await expectRefused(bearer(await issuer.sign({ sub: 'u' }, { expiresIn: '16m' })));
    expect((await call(app, bearer(await issuer.sign({ sub: 'u' }, { expiresIn: '15m' })))).statusCode).toBe(200);
  });

  it('refuses a token without iat', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const own = { ...(await exportJWK(privateKey)), d: undefined, kid: 'own', alg: 'EdDSA', use: 'sig' };
    const ownApp = await protectedApp({ jwks: { keys: [own] }, nodeEnv: 'test' });
    try {
      const token = await new SignJWT({ sub: 'u' })
        .setProtectedHeader({ alg: 'EdDSA', kid: 'own' })
        .setIssuer('rail-auth')
        .setAudience('rail')
        .setExpirationTime('5m')
        .sign(privateKey);
      expect((await call(ownApp, bearer(token))).statusCode).toBe(401);
    } finally {
      await ownApp.close();
    }
  });
});

describe('the test identity header', () => {
  it('is accepted only when enabled and nodeEnv is test', async () => {
    const testApp = await protectedApp({ jwks: issuer.jwks, nodeEnv: 'test', allowTestHeader: true });
    try {
      const res = await call(testApp, { [TEST_USER_HEADER]: 'user-7' });
      expect(res.statusCode).toBe(200);
      expect(res.json().user.id).toBe('user-7');
    } finally {
      await testApp.close();
    }
  });

  it('is ignored when not enabled', async () => {
    await expectRefused({ [TEST_USER_HEADER]: 'user-7' }, 'TOKEN_MISSING');
  });

  it.each(['development', 'production'] as const)('cannot be enabled when nodeEnv is %s', async (nodeEnv) => {
    await expect(protectedApp({ jwks: issuer.jwks, nodeEnv, allowTestHeader: true })).rejects.toThrow(
      /only be enabled when NODE_ENV=test/,
    );
  });
});

describe('authVerify with a key set served over HTTP', () => {
  const jwksPath = '/api/auth/.well-known/jwks.json';
  let server: Server;
  let jwksUrl: string;
  let fetches = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      fetches += 1;
      if (req.url !== jwksPath) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(issuer.jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${jwksPath}`;
  });
  const stopServer = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  afterAll(async () => {
    if (server.listening) await stopServer();
  });

  it('verifies a token against the fetched keys, keeps the cached keys while the server is down, and says 503 without any keys', async () => {
    const token = await issuer.sign({ sub: 'user-remote', phone: '+8801712345678' });
    // No verified-token memory, so each request below really goes through the key set.
    const remote = await protectedApp({
      jwksUrl,
      nodeEnv: 'production',
      jwksMaxAgeMs: 0,
      jwksCooldownMs: 0,
      verifiedTokenCacheSize: 0,
    });
    try {
      const ok = await call(remote, bearer(token));
      expect(ok.statusCode).toBe(200);
      expect(ok.json().user).toMatchObject({ id: 'user-remote', phone: '+8801712345678' });
      expect(fetches).toBeGreaterThan(0);
      // A token signed by a key the server does not publish is still refused through the remote set.
      const stranger = await createTestIssuer();
      expect((await call(remote, bearer(await stranger.sign({ sub: 'u' })))).statusCode).toBe(401);

      await stopServer();
      // The keys are stale (max age 0) and cannot be refreshed: the cached set still verifies.
      expect((await call(remote, bearer(token))).statusCode).toBe(200);
      expect((await call(remote, bearer(token))).statusCode).toBe(200);
    } finally {
      await remote.close();
    }

    const cold = await protectedApp({ jwksUrl, nodeEnv: 'production', jwksCooldownMs: 0 });
    try {
      const res = await call(cold, bearer(token));
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json().code).toBe('AUTH_KEYS_UNAVAILABLE');
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await cold.close();
    }
  });
});
