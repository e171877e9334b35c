/**
 * The payment service process: config -> database (migrated) -> broker, outbox relay and consumers -> HTTP,
 * plus the periodic jobs (idempotency-key purge, reconciliation). On SIGINT/SIGTERM the HTTP server drains
 * first, then the jobs stop, consumers finish in-flight events, the relay stops and the broker and pools close
 * (the service's, then the mock provider's own).
 */
import { createPool, migrate } from '@rail/db';
import { list } from '@rail/config';
import { runServer } from '@rail/http';
import { postgresIdempotencyStore } from '@rail/idempotency';
import { startPeriodicJob } from '@rail/jobs';
import { createLogger } from '@rail/logger';
import { Registry } from 'prom-client';
import { createBroker, startOutboxRelay } from '@rail/messaging';
import { buildApp } from './app.js';
import { createHttpBookingClient } from './clients/booking-client.js';
import { loadPaymentConfig } from './config.js';
import { allMigrationDirs } from './db/migrations-dir.js';
import { startConsumers } from './events/consumers.js';
import { MockPaymentProvider } from './provider/mock-provider.js';
import { reconcile, reconciliationMetrics } from './use-cases/reconcile.js';

const config = loadPaymentConfig();
const logger = createLogger({ service: 'payment', level: config.LOG_LEVEL });

try {
  await migrate(config.DATABASE_URL, allMigrationDirs, { log: (message) => logger.info(message) });
  const pool = createPool(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX, applicationName: 'payment' });
  // The mock provider stands for another company's system: its own pool, so it can never starve (or wait on) ours.
  const providerPool = createPool(config.DATABASE_URL, {
    max: config.PROVIDER_DATABASE_POOL_MAX,
    applicationName: 'payment-mock-provider',
    logger,
  });
  const provider = new MockPaymentProvider({ pool: providerPool, latencyMs: config.PROVIDER_LATENCY_MS });
  // One registry for the app's /metrics and the broker's (dead-letter depth, consumer counts): the broker starts first.
  const metricsRegistry = new Registry();
  const broker = createBroker({
    url: config.AMQP_URL,
    exchange: config.AMQP_EXCHANGE,
    logger,
    service: 'payment',
    metricsRegistry,
  });
  const relay = startOutboxRelay({ pool, broker, logger });
  await startConsumers({ broker, pool, provider, logger, queuePrefix: config.QUEUE_PREFIX });
  // Idempotency-Key rows are replayed for a day; older ones go, so the table does not grow for ever.
  const idempotencyKeys = postgresIdempotencyStore(pool);
  const purgeKeys = startPeriodicJob({
    name: 'purge-idempotency-keys',
    intervalMs: 10 * 60_000,
    jitterMs: 60_000,
    logger,
    run: () => idempotencyKeys.purgeExpired(),
  });

  const bookings = createHttpBookingClient({ baseUrl: config.BOOKING_SERVICE_URL, timeoutMs: config.BOOKING_SERVICE_TIMEOUT_MS });
  const app = await buildApp({
    logger,
    metricsRegistry,
    overload: { maxEventLoopDelayMs: config.OVERLOAD_EVENT_LOOP_DELAY_MS },
    pool,
    provider,
    providerTimeoutMs: config.PROVIDER_TIMEOUT_MS,
    bookings,
    auth: {
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      jwksUrl: config.AUTH_JWKS_URL,
      nodeEnv: config.NODE_ENV,
    },
    readiness: {
      broker: async () => {
        if (!broker.isConnected()) throw new Error('not connected to the message broker');
      },
    },
    trustProxy: list(config.TRUST_PROXY),
    outbox: relay,
  });

  // Payments against the provider's charges and the bookings; discrepancies as a metric and a log line.
  const metrics = reconciliationMetrics(app.metricsRegistry);
  const reconciliation = startPeriodicJob({
    name: 'reconcile-payments',
    intervalMs: 5 * 60_000,
    jitterMs: 60_000,
    logger,
    run: () => reconcile({ pool, provider, bookings, logger, metrics, providerTimeoutMs: config.PROVIDER_TIMEOUT_MS }),
  });

  await runServer(app, {
    port: config.PORT,
    host: config.HOST,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    onShutdown: async () => {
      await purgeKeys.stop();
      await reconciliation.stop();
      await relay.stop();
      await broker.close();
      await pool.end();
      await providerPool.end();
    },
  });
} catch (err) {
  logger.fatal({ err }, 'payment service failed to start');
  process.exit(1);
}
