/**
 * The queue service process: config -> Redis -> broker and the booking.confirmed consumer -> the admission job
 * (one leader by a Redis lease) -> HTTP. On SIGINT/SIGTERM the HTTP server drains first, then the job stops after
 * its tick in progress, then the clients.
 */
import { list } from '@rail/config';
import { runServer } from '@rail/http';
import { startPeriodicJob } from '@rail/jobs';
import { createLogger } from '@rail/logger';
import { createBroker } from '@rail/messaging';
import { parsePassKeys } from '@rail/queue-pass';
import { createRedis } from '@rail/redis';
import { buildApp } from './app.js';
import { createBookingLoadSampler } from './clients/booking-load.js';
import { createHttpSeatsSource } from './clients/seats-source.js';
import { loadQueueConfig } from './config.js';
import type { QueueDeps } from './deps.js';
import { startConsumers } from './events/consumers.js';
import { SaleStore } from './redis/sale-store.js';
import { createRoomsJob } from './use-cases/run-rooms.js';

const config = loadQueueConfig();
const logger = createLogger({ service: 'queue', level: config.LOG_LEVEL });

try {
  const redis = createRedis(config.REDIS_URL, { name: 'queue', logger });
  const deps: QueueDeps = {
    store: new SaleStore(redis, config.REDIS_KEY_PREFIX),
    passKeys: parsePassKeys(config.QUEUE_PASS_SECRET),
    defaults: {
      rule: {
        opensDaysBefore: config.QUEUE_SALE_OPENS_DAYS_BEFORE,
        opensAtLocal: config.QUEUE_SALE_OPENS_AT,
        timeZone: config.QUEUE_SALE_TIME_ZONE,
        roomOpensMinutesBefore: config.QUEUE_ROOM_OPENS_MINUTES_BEFORE,
      },
      activeShoppers: config.QUEUE_ACTIVE_SHOPPERS,
      admissionsPerSecond: config.QUEUE_ADMISSIONS_PER_SECOND,
    },
    passTtlSeconds: config.QUEUE_PASS_TTL_SECONDS,
    checkinGraceSeconds: config.QUEUE_CHECKIN_GRACE_SECONDS,
    openingCheckinsPerSecond: config.QUEUE_OPENING_CHECKINS_PER_SECOND,
    now: Date.now,
    logger,
  };
  const broker = createBroker({ url: config.AMQP_URL, exchange: config.AMQP_EXCHANGE, logger, service: 'queue' });
  await startConsumers(deps, { broker, redis, prefix: config.REDIS_KEY_PREFIX, queuePrefix: config.QUEUE_PREFIX });
  const seats = createHttpSeatsSource({ trainUrl: config.TRAIN_SERVICE_URL, timeoutMs: config.UPSTREAM_TIMEOUT_MS });
  const rooms = createRoomsJob({
    deps,
    seats,
    load: createBookingLoadSampler({
      baseUrls: list(config.BOOKING_SERVICE_URL),
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      minRequests: config.QUEUE_BOOKING_MIN_REQUESTS,
    }),
    thresholds: { p95Ms: config.QUEUE_BOOKING_P95_MS, errorShare: config.QUEUE_BOOKING_ERROR_SHARE },
    saturationSamples: config.QUEUE_SATURATION_SAMPLES,
    calmSamples: config.QUEUE_SATURATION_CALM_SAMPLES,
    tickMs: config.QUEUE_TICK_MS,
    seatsRefreshMs: config.QUEUE_SEATS_REFRESH_MS,
    loadSampleMs: config.QUEUE_LOAD_SAMPLE_MS,
    expectedShoppingSeconds: config.QUEUE_EXPECTED_SHOPPING_SECONDS,
    logger,
  });
  const admission = startPeriodicJob({ name: 'admit', intervalMs: config.QUEUE_TICK_MS, logger, run: () => rooms.run() });

  const app = await buildApp({
    deps,
    redis,
    overload: { maxEventLoopDelayMs: config.OVERLOAD_EVENT_LOOP_DELAY_MS },
    auth: {
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      jwksUrl: config.AUTH_JWKS_URL,
      nodeEnv: config.NODE_ENV,
      verifiedTokenCacheSize: config.QUEUE_VERIFIED_TOKEN_CACHE_SIZE,
    },
    trustProxy: list(config.TRUST_PROXY),
    readiness: {
      broker: async () => {
        if (!broker.isConnected()) throw new Error('not connected to the message broker');
      },
    },
  });

  await runServer(app, {
    port: config.PORT,
    host: config.HOST,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    onShutdown: async () => {
      await admission.stop();
      await seats.close();
      await broker.close();
      redis.disconnect();
    },
  });
} catch (err) {
  logger.fatal({ err }, 'queue service failed to start');
  process.exit(1);
}
