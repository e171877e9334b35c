/** buildApp(deps): the queue (waiting room) service's HTTP app, identical in tests and production. */
import { authVerify, type AuthVerifyOptions } from '@rail/auth-verify';
import { createApp, type App, type OverloadOptions, type ReadinessCheck } from '@rail/http';
import { pingRedis, type Redis } from '@rail/redis';
import type { QueueDeps } from './deps.js';
import { internalRoutes } from './routes/internal/index.js';
import { queueRoutes } from './routes/queue/index.js';

export interface AppOptions {
  deps: QueueDeps;
  redis: Redis;
  auth: AuthVerifyOptions;
  readiness?: Record<string, ReadinessCheck>;
  trustProxy?: string[];
  overload?: OverloadOptions;
}

export async function buildApp(options: AppOptions): Promise<App> {
  const app = await createApp({
    service: 'queue',
    logger: options.deps.logger,
    apiPrefix: '/api/queue',
    description: 'The waiting room: fair admission to a sale at its opening and while booking is saturated',
    trustProxy: options.trustProxy,
    readiness: { redis: () => pingRedis(options.redis), ...options.readiness },
    ...(options.overload ? { overload: options.overload } : {}),
  });
  // No requestContextHook (@rail/service-client): no request of this service calls another service, and its
  // AsyncLocalStorage would switch on Node's promise hooks for the whole process (bench:queue: ~8 us a check-in).
  await app.register(authVerify, options.auth);
  await app.register(queueRoutes, { prefix: '/api/queue', deps: options.deps, redis: options.redis });
  await app.register(internalRoutes, { prefix: '/internal', deps: options.deps });
  return app;
}
