/** buildApp(deps): the notification service's Fastify app, identical in tests and production. */
import { authVerify, type AuthVerifyOptions } from '@rail/auth-verify';
import { createApp, type App } from '@rail/http';
import type { Logger } from '@rail/logger';
import { pingRedis, type Redis } from '@rail/redis';
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

export function buildUseCaseDeps(config: NotificationConfig, logger: Logger, redis: Redis): UseCaseDeps {
  return {
    logger,
    tickets: createTicketSigner(config.TICKET_SIGNING_KEY),
    issued: createTicketStore({ redis, prefix: config.REDIS_KEY_PREFIX, ttlSeconds: config.TICKET_TTL_SECONDS }),
    dispatcher: createDispatcher({
      redis,
      prefix: config.REDIS_KEY_PREFIX,
      logger,
      inboxEnabled: inboxEnabled(config),
      inboxMaxMessages: config.INBOX_MAX_MESSAGES,
      inboxTtlSeconds: config.INBOX_TTL_SECONDS,
      sentMarkerTtlSeconds: config.SENT_MARKER_TTL_SECONDS,
    }),
  };
}

export async function buildApp(
  deps: AppDeps,
  useCaseDeps = buildUseCaseDeps(deps.config, deps.logger, deps.redis),
): Promise<App> {
  const { config, logger, redis, brokerConnected } = deps;
  const app = await createApp({
    service: 'notification',
    apiPrefix: '/api/notifications',
    logger,
    trustProxy: trustProxy(config),
    description: 'Outgoing SMS and e-mail: OTPs, e-tickets, cancellation and refund notices',
    readiness: {
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
  await app.register(authVerify, deps.auth ?? authOptions(config));
  await app.register(notificationRoutes, {
    prefix: '/api/notifications',
    deps: useCaseDeps,
    internalToken: config.INTERNAL_API_TOKEN,
    inboxEnabled: inboxEnabled(config),
  });
  return app;
}
