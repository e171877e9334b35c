/**
 * The notification service process: config -> database (migrated), Redis and broker -> consumers -> app ->
 * listen; drains on shutdown (HTTP first, then the purge job, the broker, Redis and the pool).
 */
import { createPool, migrate } from '@rail/db';
import { runServer } from '@rail/http';
import { startPeriodicJob } from '@rail/jobs';
import { createLogger } from '@rail/logger';
import { createBroker } from '@rail/messaging';
import { createRedis } from '@rail/redis';
import { buildApp, buildUseCaseDeps } from './app.js';
import { loadNotificationConfig } from './config.js';
import { migrationsDir } from './db/migrations-dir.js';
import { startConsumers } from './events/consumers.js';

const config = loadNotificationConfig();
const logger = createLogger({ service: 'notification', level: config.LOG_LEVEL });

try {
  await migrate(config.DATABASE_URL, migrationsDir, { log: (message) => logger.info(message) });
} catch (err) {
  logger.fatal({ err }, 'notification service failed to migrate its database');
  process.exit(1);
}
const pool = createPool(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX, applicationName: 'notification' });
const redis = createRedis(config.REDIS_URL, { name: 'notification' });
const useCaseDeps = buildUseCaseDeps(config, logger, { redis, pool });

// Readiness asks the broker (created next, so it can count into the app's metrics registry).
const app = await buildApp({ config, logger, redis, pool, brokerConnected: () => broker.isConnected() }, useCaseDeps);
const broker = createBroker({
  url: config.AMQP_URL,
  exchange: config.AMQP_EXCHANGE,
  logger,
  service: 'notification',
  metricsRegistry: app.metricsRegistry,
});
await startConsumers(useCaseDeps, {
  broker,
  redis,
  prefix: config.REDIS_KEY_PREFIX,
  queuePrefix: config.QUEUE_PREFIX,
  prefetch: config.CONSUMER_PREFETCH,
});
// "Already sent" is remembered for SENT_MARKER_TTL_SECONDS; older markers go, so the table does not grow for ever.
const purgeSentMarkers = startPeriodicJob({
  name: 'purge-sent-markers',
  intervalMs: 10 * 60_000,
  jitterMs: 60_000,
  logger,
  run: () => useCaseDeps.dispatcher.purgeSentMarkers(config.SENT_MARKER_TTL_SECONDS),
});
await runServer(app, {
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    await purgeSentMarkers.stop();
    await broker.close();
    redis.disconnect();
    await pool.end();
  },
});
