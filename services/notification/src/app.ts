/** buildApp(deps): the notification service's Fastify app, identical in tests and production. */
import { authVerify, type AuthVerifyOptions } from '@rail/auth-verify';
import type { Pool } from '@rail/db';
import { createApp, type App } from '@rail/http';
import type { Logger } from '@rail/logger';
import { pingRedis, type Redis } from '@rail/redis';
import { requestContextHook } from '@rail/service-client';
import { createHttpTicketSource, type TicketSource } from './clients/ticket-source.js';
import { inboxEnabled, trustProxy, type NotificationConfig } from './config.js';
import { createDispatcher } from './delivery/dispatcher.js';
import { createTicketStore } from './delivery/ticket-store.js';
import type { UseCaseDeps } from './deps.js';
import { createTicketSigner } from './domain/ticket-qr.js';
import { notificationRoutes } from './routes/notifications/index.js';

export interface AppDeps {
  config: NotificationConfig;
  logger: Logger;
  redis: Redis;
  /** notification_db: issued e-tickets and sent-message markers. */
  pool: Pool;
  /** When given, readiness requires the broker connection. */
  brokerConnected?: () => boolean;
  /** Token verification; by default the auth service's JWKS from config (tests pass an in-memory `jwks`). */
  auth?: AuthVerifyOptions;
}

export function authOptions(config: NotificationConfig): AuthVerifyOptions {
  return {
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    jwksUrl: config.AUTH_JWKS_URL,
    nodeEnv: config.NODE_ENV,
  };
}

export function httpTicketSource(config: NotificationConfig): TicketSource {
  return createHttpTicketSource({
    bookingUrl: config.BOOKING_SERVICE_URL,
    trainUrl: config.TRAIN_SERVICE_URL,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
  });
}

export function buildUseCaseDeps(
  config: NotificationConfig,
  logger: Logger,
  stores: { redis: Redis; pool: Pool },
  ticketSource: TicketSource = httpTicketSource(config),
): UseCaseDeps {
  const { redis, pool } = stores;
  return {
    logger,
    tickets: createTicketSigner(config.TICKET_SIGNING_KEY),
    issued: createTicketStore(pool),
    ticketSource,
    dispatcher: createDispatcher({
      db: pool,
      redis,
      prefix: config.REDIS_KEY_PREFIX,
      logger,
      inboxEnabled: inboxEnabled(config),
      inboxMaxMessages: config.INBOX_MAX_MESSAGES,
      inboxTtlSeconds: config.INBOX_TTL_SECONDS,
    }),
  };
}

export async function buildApp(deps: AppDeps, useCaseDeps = buildUseCaseDeps(deps.config, deps.logger, deps)): Promise<App> {
  const { config, logger, redis, pool, brokerConnected } = deps;
  const app = await createApp({
    service: 'notification',
    apiPrefix: '/api/notifications',
    logger,
    trustProxy: trustProxy(config),
    description: 'Outgoing SMS and e-mail: OTPs, e-tickets, cancellation and refund notices',
    pools: { main: pool },
    readiness: {
      database: () => pool.query('SELECT 1'),
      redis: () => pingRedis(redis),
      ...(brokerConnected
        ? {
            rabbitmq: async () => {
              if (!brokerConnected()) throw new Error('not connected');
            },
          }
        : {}),
    },
  });
  // Calls to the booking and train services (a ticket re-issue) forward this request's id and trace context.
  app.addHook('onRequest', requestContextHook);
  await app.register(authVerify, deps.auth ?? authOptions(config));
  await app.register(notificationRoutes, {
    prefix: '/api/notifications',
    deps: useCaseDeps,
    internalToken: config.INTERNAL_API_TOKEN,
    inboxEnabled: inboxEnabled(config),
  });
  return app;
}
