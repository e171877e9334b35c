/** The notification service process: config -> Redis and broker -> consumers -> app -> listen; drains on shutdown. */
import { runServer } from '@rail/http';
import { createLogger } from '@rail/logger';
import { createBroker } from '@rail/messaging';
import { createRedis } from '@rail/redis';
import { buildApp, buildUseCaseDeps } from './app.js';
import { loadNotificationConfig } from './config.js';
import { startConsumers } from './events/consumers.js';

const config = loadNotificationConfig();
const logger = createLogger({ service: 'notification', level: config.LOG_LEVEL });
const redis = createRedis(config.REDIS_URL, { name: 'notification' });
const useCaseDeps = buildUseCaseDeps(config, logger, redis);

// Readiness asks the broker (created next, so it can count into the app's metrics registry).
const app = await buildApp({ config, logger, redis, brokerConnected: () => broker.isConnected() }, useCaseDeps);
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
await runServer(app, {
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    await broker.close();
    redis.disconnect();
  },
});
