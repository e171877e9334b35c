/** The booking service process: config -> clients -> migrate -> app -> listen; graceful shutdown. */
import { migrate } from '@rail/db';
import { runServer } from '@rail/http';
import { createLogger } from '@rail/logger';
import { createRedis } from '@rail/redis';
import { buildApp } from './app.js';
import { loadBookingConfig, passKeys, trustProxy } from './config.js';
import { startEvents } from './events/start-events.js';
import { startExpiryJob } from './jobs/expiry-job.js';
import { migrationDirs } from './migrate.js';
import { createDeps, waitForRedis } from './runtime.js';
import { createActiveRoomsClient } from './waiting-room/active-rooms-client.js';
import { createWaitingRoom } from './waiting-room/waiting-room.js';

const config = loadBookingConfig();
const logger = createLogger({ service: 'booking', level: config.LOG_LEVEL });
await migrate(config.DATABASE_URL, migrationDirs, { log: (m) => logger.info(m) });

const deps = createDeps(config, logger);
await waitForRedis(deps.redis);
const subscriber = createRedis(config.REDIS_URL, { name: 'booking:seat-events' });
// The waiting room: active rooms polled from the queue service in the background (started when the app is ready).
const activeRooms = createActiveRoomsClient({ baseUrl: config.QUEUE_SERVICE_URL });
const waitingRoom = createWaitingRoom({ keys: passKeys(config), fetchActive: activeRooms.fetchActive, logger });
const app = await buildApp({
  ...deps,
  nodeEnv: config.NODE_ENV,
  auth: { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, jwksUrl: config.AUTH_JWKS_URL },
  subscriber,
  trustProxy: trustProxy(config),
  overload: { maxEventLoopDelayMs: config.OVERLOAD_EVENT_LOOP_DELAY_MS },
  waitingRoom,
});
const expiryJob = startExpiryJob(deps, config.EXPIRY_INTERVAL_MS);
// Outbox relay (booking.* and otp.requested reach RabbitMQ) and the payment.succeeded/failed consumers.
const events = await startEvents(deps, config, app.metricsRegistry);

await runServer(app, {
  port: config.PORT,
  host: config.HOST,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  onShutdown: async () => {
    await expiryJob.stop();
    await events.stop();
    await Promise.allSettled([deps.pool.end(), deps.redis.quit(), subscriber.quit(), activeRooms.close()]);
  },
});
