/**
 * The auth service process: config -> clients -> migrations -> signing keys -> buildApp -> runServer.
 * Refuses to start on bad configuration (in production: no AUTH_PRIVATE_KEY/AUTH_PRIVATE_KEY_FILE, or OTP_DEV_ECHO=true).
 */
import { createPool } from '@rail/db';
import { runServer } from '@rail/http';
import { startPeriodicJob } from '@rail/jobs';
import { createLogger } from '@rail/logger';
import { createBroker, startOutboxRelay } from '@rail/messaging';
import { buildApp } from './app.js';
import { loadAuthConfig, type AuthConfig } from './config.js';
import { migrateAuthDatabase } from './db/migrate-database.js';
import { createAccessTokenIssuer } from './security/access-tokens.js';
import { AttemptLimiter, createAttemptRedis } from './security/attempt-limiter.js';
import { createPasswordHasher } from './security/passwords.js';
import { loadSigningKeys } from './security/signing-keys.js';
import { purgeExpired } from './use-cases/purge-expired.js';

let config: AuthConfig;
try {
  config = loadAuthConfig();
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
const logger = createLogger({ service: 'auth', level: config.LOG_LEVEL });

try {
  await migrateAuthDatabase(config.DATABASE_URL);
  const pool = createPool(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX, applicationName: 'auth' });
  const redis = createAttemptRedis(config.REDIS_URL);
  const keys = await loadSigningKeys(config, pool);
  const passwords = await createPasswordHasher({ memoryKiB: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST });
  const app = await buildApp({
    config,
    logger,
    pool,
    redis,
    keys,
    passwords,
    limiter: new AttemptLimiter(redis, config.REDIS_KEY_PREFIX),
    issueAccessToken: createAccessTokenIssuer(keys, {
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    }),
  });

  // otp.requested leaves through the outbox: the relay publishes it with confirms once the broker answers.
  const broker = createBroker({ url: config.AMQP_URL, exchange: config.AMQP_EXCHANGE, logger, service: 'auth' });
  const relay = startOutboxRelay({ pool, broker, logger });

  const purge = startPeriodicJob({
    name: 'purge-expired-codes-and-tokens',
    intervalMs: 10 * 60_000,
    logger,
    run: () => purgeExpired(pool),
  });

  await runServer(app, {
    port: config.PORT,
    host: config.HOST,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    onShutdown: async () => {
      await purge.stop();
      await relay.stop();
      await broker.close();
      await Promise.allSettled([pool.end(), redis.quit()]);
    },
  });
  logger.info({ kid: keys.kid, port: config.PORT }, 'auth service listening');
} catch (err) {
  logger.fatal({ err }, 'auth service failed to start');
  process.exit(1);
}
