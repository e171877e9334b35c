/** buildApp(deps): the train service's Fastify app, identical in tests and production. */
import { createApp, type App } from '@rail/http';
import type { Logger } from '@rail/logger';
import type { Pool } from '@rail/db';
import { pingRedis, type Redis } from '@rail/redis';
import { requestContextHook } from '@rail/service-client';
import { createBookingAvailability, type AvailabilitySource } from './availability/booking-availability.js';
import { createSharedCache } from './cache/shared-cache.js';
import { createCatalog } from './catalog.js';
import { trustProxy, type TrainConfig } from './config.js';
import type { UseCaseDeps } from './deps.js';
import { internalRoutes } from './routes/internal/index.js';
import { trainRoutes } from './routes/trains/index.js';

export interface AppDeps {
  config: TrainConfig;
  logger: Logger;
  pool: Pool;
  redis: Redis;
  /** The clock; tests pin it to check the sales window. */
  now?: () => Date;
  /** Replaces the booking service client (the benchmark measures the catalog alone with it). */
  availability?: AvailabilitySource;
}

export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, logger, pool, redis } = deps;
  const app = await createApp({
    service: 'train',
    apiPrefix: '/api/trains',
    logger,
    trustProxy: trustProxy(config),
    description: 'Catalog: stations, trains, trips, fares and seat maps',
    pools: { main: pool },
    readiness: { postgres: () => pool.query('SELECT 1'), redis: () => pingRedis(redis) },
    overload: { maxEventLoopDelayMs: config.OVERLOAD_EVENT_LOOP_DELAY_MS },
  });
  // Calls to the booking service forward this request's id and trace context.
  app.addHook('onRequest', requestContextHook);
  const cache = createSharedCache(redis, config.REDIS_KEY_PREFIX, logger);
  const useCaseDeps: UseCaseDeps = {
    catalog: createCatalog({ pool, cache, searchCacheTtlMs: config.SEARCH_CACHE_TTL_MS }),
    availability:
      deps.availability ??
      createBookingAvailability({
        bookingUrl: config.BOOKING_SERVICE_URL,
        timeoutMs: config.AVAILABILITY_TIMEOUT_MS,
        backoffMs: config.AVAILABILITY_BACKOFF_MS,
        cacheTtlMs: config.AVAILABILITY_CACHE_TTL_MS,
        staleMaxMs: config.AVAILABILITY_STALE_MAX_MS,
        cache,
        logger,
      }),
    cache,
    salesWindowDays: config.SALES_WINDOW_DAYS,
    searchCacheTtlMs: config.SEARCH_CACHE_TTL_MS,
    now: deps.now ?? (() => new Date()),
  };
  await app.register(trainRoutes, { prefix: '/api/trains', deps: useCaseDeps });
  await app.register(internalRoutes, { prefix: '/internal', deps: useCaseDeps });
  return app;
}
