/** buildApp(deps): the auth service's Fastify app, identical in tests and production. */
import { authVerify } from '@rail/auth-verify';
import { list } from '@rail/config';
import { createApp, type App } from '@rail/http';
import { pingRedis, type Redis } from '@rail/redis';
import type { UseCaseDeps } from './deps.js';
import { authRoutes } from './routes/auth/index.js';
import type { SigningKeys } from './security/signing-keys.js';

export interface AppDeps extends UseCaseDeps {
  redis: Redis;
  keys: SigningKeys;
}

export async function buildApp(deps: AppDeps): Promise<App> {
  const { config } = deps;
  const app = await createApp({
    service: 'auth',
    apiPrefix: '/api/auth',
    logger: deps.logger,
    description: 'Accounts, sign-in, one-time codes and the keys that verify access tokens',
    trustProxy: list(config.TRUST_PROXY),
    pools: { main: deps.pool },
    readiness: {
      postgres: () => deps.pool.query('SELECT 1'),
      redis: () => pingRedis(deps.redis),
    },
  });
  // The auth service verifies its own tokens exactly as every other service does, from its public keys.
  await app.register(authVerify, {
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    jwks: { keys: deps.keys.publicKeys },
    nodeEnv: config.NODE_ENV,
  });
  await app.register(authRoutes, { prefix: '/api/auth', deps, keys: deps.keys });
  return app;
}
