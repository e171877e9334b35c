/** buildApp(deps): the train service's Fastify app, identical in tests and production. */
import { authVerify, type AuthVerifyOptions } from '@rail/auth-verify';
import { createApp, type App } from '@rail/http';
import type { Logger } from '@rail/logger';
import type { Pool } from '@rail/db';
import { parsePassKeys } from '@rail/queue-pass';
import { pingRedis, type Redis } from '@rail/redis';
import { requestContextHook } from '@rail/service-client';
import { createBookingAvailability, type AvailabilitySource } from './availability/booking-availability.js';
import { createSharedCache } from './cache/shared-cache.js';
import { createCatalog } from './catalog.js';
import { trustProxy, type TrainConfig } from './config.js';
import type { UseCaseDeps } from './deps.js';
import { internalRoutes } from './routes/internal/index.js';
import { trainRoutes } from './routes/trains/index.js';
import { createActiveRooms } from './waiting-room/active-rooms.js';

export interface AppDeps {
  config: TrainConfig;
  logger: Logger;
  pool: Pool;
  redis: Redis;
  /** The clock; tests pin it to check the sales window. */
  now?: () => Date;
  /** Replaces the booking service client (the benchmark measures the catalog alone with it). */
  availability?: AvailabilitySource;
  /** Access-token keys held in memory (tests) instead of auth's JWKS at AUTH_JWKS_URL. */
  authKeys?: AuthVerifyOptions['jwks'];
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
  // Who asks matters only to the seat maps of a sale whose waiting room is active.
  await app.register(authVerify, {
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    nodeEnv: config.NODE_ENV,
    ...(deps.authKeys ? { jwks: deps.authKeys } : { jwksUrl: config.AUTH_JWKS_URL }),
  });
  const rooms = createActiveRooms({ queueUrl: config.QUEUE_SERVICE_URL, intervalMs: config.QUEUE_ROOMS_POLL_MS, logger });
  // Ready once the first poll is over, whatever its outcome (the queue service may be down: then no room is active).
  app.addHook('onReady', () => rooms.start());
  app.addHook('onClose', () => rooms.close());
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
    saleSeatsCacheTtlMs: config.SALE_SEATS_CACHE_TTL_MS,
    waitingRoom: { rooms, passKeys: parsePassKeys(config.QUEUE_PASS_SECRET) },
    now: deps.now ?? (() => new Date()),
  };
  await app.register(trainRoutes, { prefix: '/api/trains', deps: useCaseDeps });
  await app.register(internalRoutes, { prefix: '/internal', deps: useCaseDeps });
  return app;
}
