/** buildApp(deps): the booking service's Fastify app, identical in tests and production. */
import { authVerify, type AuthVerifyOptions } from '@rail/auth-verify';
import { createApp, type App, type OverloadOptions } from '@rail/http';
import { pingRedis, type Redis } from '@rail/redis';
import { requestContextHook } from '@rail/service-client';
import type { BookingDeps } from './deps.js';
import { SeatEventsHub } from './live/seat-events-hub.js';
import { bookingRoutes } from './routes/bookings/index.js';
import { seatEventRoutes } from './routes/bookings/seat-events.js';
import { internalRoutes } from './routes/internal/index.js';
import { createAvailabilityCache } from './use-cases/get-availability.js';
import type { WaitingRoom } from './waiting-room/waiting-room.js';

export interface AppDeps extends BookingDeps {
  nodeEnv: 'development' | 'test' | 'production';
  auth: { issuer: string; audience: string; jwksUrl?: string; jwks?: AuthVerifyOptions['jwks'] };
  /** A dedicated connection for SUBSCRIBE (a subscribed connection cannot run other commands). */
  subscriber: Redis;
  trustProxy?: string[];
  availabilityMaxAgeMs?: number;
  seatEventsCoalesceMs?: number;
  seatEventsHeartbeatMs?: number;
  /** Load shedding (see @rail/http); off when absent. */
  overload?: OverloadOptions;
  /** Which sales' rooms are active and the pass check of select and confirm; polled from ready until close. */
  waitingRoom: WaitingRoom;
}

export async function buildApp(deps: AppDeps): Promise<App> {
  const app = await createApp({
    service: 'booking',
    apiPrefix: '/api/bookings',
    logger: deps.logger,
    description: 'Seat holds, bookings and the booking state machine',
    trustProxy: deps.trustProxy ?? ['127.0.0.1', '::1'],
    pools: { main: deps.pool },
    readiness: {
      postgres: () => deps.pool.query('SELECT 1'),
      redis: () => pingRedis(deps.redis),
    },
    ...(deps.overload ? { overload: deps.overload } : {}),
  });
  // Calls to the train service forward this request's id and trace context.
  app.addHook('onRequest', requestContextHook);
  await app.register(authVerify, { ...deps.auth, nodeEnv: deps.nodeEnv });

  // The first poll is awaited before the app is ready, so a replica started during a sale is guarded at once.
  app.addHook('onReady', () => deps.waitingRoom.start());
  app.addHook('onClose', async () => deps.waitingRoom.stop());

  const hub = new SeatEventsHub(deps.subscriber, deps.seats.prefix, deps.seatEventsCoalesceMs);
  app.addHook('preClose', async () => hub.closeAll());

  await app.register(bookingRoutes, { prefix: '/api/bookings', deps, waitingRoom: deps.waitingRoom });
  await app.register(seatEventRoutes, { prefix: '/api/bookings', deps, hub, heartbeatMs: deps.seatEventsHeartbeatMs });
  await app.register(internalRoutes, {
    prefix: '/internal',
    deps,
    availability: createAvailabilityCache(deps.availabilityMaxAgeMs ?? 1000),
  });
  return app;
}
