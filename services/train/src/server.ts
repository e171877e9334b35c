/** The train service process: config -> clients -> migrate -> app -> listen; drains and closes on shutdown. */
import { createPool } from '@rail/db';
import { runServer } from '@rail/http';
import { startPeriodicJob } from '@rail/jobs';
import { createLogger } from '@rail/logger';
import { createRedis } from '@rail/redis';
import { buildApp } from './app.js';
import { loadTrainConfig } from './config.js';
import { migrateTrainDatabase } from './migrate.js';
import { publishTrips } from './use-cases/publish-trips.js';

const PUBLISH_EVERY_MS = 60 * 60 * 1000;

const config = loadTrainConfig();
const logger = createLogger({ service: 'train', level: config.LOG_LEVEL });

await migrateTrainDatabase(config.DATABASE_URL, (message) => logger.info(message));
const pool = createPool(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX, applicationName: 'train' });
// A cache client: fail fast (the cache fails open to PostgreSQL) instead of queueing behind a dead Redis.
const redis = createRedis(config.REDIS_URL, {
  name: 'train:cache',
  offlineQueue: false,
  extra: { commandTimeout: 250, maxRetriesPerRequest: 0 },
});

// Keep the sales window rolling: publish the new day's trips without waiting for a manual seed.
const publish = async (): Promise<void> => {
  const result = await publishTrips(pool, { now: new Date(), salesWindowDays: config.SALES_WINDOW_DAYS });
  if (result.created > 0) logger.info(result, 'published trips');
};
await publish().catch((err: unknown) => logger.error({ err }, 'publishing trips failed'));
const publishJob = startPeriodicJob({ name: 'publish-trips', intervalMs: PUBLISH_EVERY_MS, logger, run: publish });

const app = await buildApp({ config, logger, pool, redis });
await runServer(app, {
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    await publishJob.stop();
    await pool.end();
    redis.disconnect();
  },
});
