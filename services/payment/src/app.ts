/** buildApp(deps): the payment service's HTTP app, identical in tests and production. */
import { authVerify, type AuthVerifyOptions } from '@rail/auth-verify';
import type { Registry } from 'prom-client';
import { createApp, type App, type OverloadOptions, type ReadinessCheck } from '@rail/http';
import type { Pool } from '@rail/db';
import type { Logger } from '@rail/logger';
import { requestContextHook } from '@rail/service-client';
import type { BookingClient } from './clients/booking-client.js';
import type { PaymentProvider } from './provider/provider.js';
import { paymentRoutes } from './routes/payments/index.js';

export interface AppDeps {
  logger: Logger;
  pool: Pool;
  bookings: BookingClient;
  provider: PaymentProvider;
  /** How long a verify waits for the provider (PROVIDER_TIMEOUT_MS); default 10 s. */
  providerTimeoutMs?: number;
  /** Token verification: `jwksUrl` in production, an in-memory `jwks` in tests. */
  auth: AuthVerifyOptions;
  /** Extra readiness checks (the broker); the database is always checked. */
  readiness?: Record<string, ReadinessCheck>;
  trustProxy?: string[];
  /** Told when a request committed events, so the relay publishes them at once instead of at its next poll. */
  outbox?: { wake(): void };
  /** Load shedding (see @rail/http); off when absent. */
  overload?: OverloadOptions;
  /** The registry /metrics serves; the server shares it with the broker so dead letters and consumer counts show. */
  metricsRegistry?: Registry;
}

export async function buildApp(deps: AppDeps): Promise<App> {
  const app = await createApp({
    service: 'payment',
    logger: deps.logger,
    apiPrefix: '/api/payments',
    description: 'Payments for bookings against the payment provider',
    trustProxy: deps.trustProxy,
    pools: { main: deps.pool },
    readiness: { database: () => deps.pool.query('SELECT 1'), ...deps.readiness },
    ...(deps.overload ? { overload: deps.overload } : {}),
    ...(deps.metricsRegistry ? { metricsRegistry: deps.metricsRegistry } : {}),
  });
  // Calls to the booking service forward this request's id and trace context.
  app.addHook('onRequest', requestContextHook);
  await app.register(authVerify, deps.auth);
  await app.register(paymentRoutes, {
    prefix: '/api/payments',
    pool: deps.pool,
    bookings: deps.bookings,
    provider: deps.provider,
    providerTimeoutMs: deps.providerTimeoutMs,
    logger: deps.logger,
    outbox: deps.outbox,
  });
  return app;
}
