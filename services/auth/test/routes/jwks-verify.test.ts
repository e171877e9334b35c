/**
 * The auth service's published key set in use: a token it issues verifies in another service through
 * @rail/auth-verify fetching GET /api/auth/.well-known/jwks.json over HTTP, a token it never issued does
 * not, and the fetched keys outlive the auth service going away (503 only where no keys were ever had).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authVerify, requireUser, type AuthVerifyOptions } from '@rail/auth-verify';
import { createTestIssuer } from '@rail/auth-verify/testing';
import { createApp, type App } from '@rail/http';
import { createLogger } from '@rail/logger';
import { createTestContext, registerAndLogin, type TestContext } from '../helpers.js';

/** Another service with one protected route, verifying as the real services do. */
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

const call = (target: App, token: string) =>
  target.inject({ method: 'GET', url: '/api/demo/me', headers: { authorization: `Bearer ${token}` } });

let auth: TestContext;
let jwksUrl: string;
beforeAll(async () => {
  auth = await createTestContext();
  await auth.app.listen({ host: '127.0.0.1', port: 0 });
  const address = auth.app.server.address();
  if (!address || typeof address === 'string') throw new Error('auth did not listen on a port');
  jwksUrl = `http://127.0.0.1:${address.port}/api/auth/.well-known/jwks.json`;
});
afterAll(() => auth.close());

describe('a token issued by the auth service, verified elsewhere against its JWKS URL', () => {
  it('verifies, a foreign token does not, the cached keys outlive auth going down, and no keys at all is a 503', async () => {
    const { tokens } = await registerAndLogin(auth.app);
    // No verified-token memory, so each request below really goes through the fetched key set.
    const remote = await protectedApp({
      jwksUrl,
      nodeEnv: 'production',
      jwksMaxAgeMs: 0,
      jwksCooldownMs: 0,
      verifiedTokenCacheSize: 0,
    });
    try {
      const ok = await call(remote, tokens.token);
      expect(ok.statusCode).toBe(200);
      expect(ok.json().user).toMatchObject({ id: tokens.user.id, phone: tokens.user.phone });
      // A token the auth service never issued is refused through the remote set.
      const foreign = await createTestIssuer();
      expect((await call(remote, await foreign.sign({ sub: tokens.user.id }))).statusCode).toBe(401);

      await auth.app.close();
      // The keys are stale (max age 0) and cannot be refreshed: the cached set still verifies.
      expect((await call(remote, tokens.token)).statusCode).toBe(200);
      expect((await call(remote, tokens.token)).statusCode).toBe(200);
    } finally {
      await remote.close();
    }

    const cold = await protectedApp({ jwksUrl, nodeEnv: 'production', jwksCooldownMs: 0 });
    try {
      const res = await call(cold, tokens.token);
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('AUTH_KEYS_UNAVAILABLE');
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await cold.close();
    }
  });
});
