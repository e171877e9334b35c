/**
 * Test fixtures for the payment service: a fresh migrated database, a stand-in booking service (a real HTTP
 * server speaking the GET /internal/bookings/:id contract), a token issuer, and the app built by buildApp.
 */
import { createServer, type Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createPool, createTestDatabase, type Pool, type TestDatabase } from '@rail/db';
import { createLogger } from '@rail/logger';
import type { App } from '@rail/http';
import { createTestIssuer, type TestIssuer } from '@rail/auth-verify/testing';
import { buildApp } from '../src/app.js';
import { createHttpBookingClient, type BookingClient, type BookingForPayment } from '../src/clients/booking-client.js';
import { allMigrationDirs } from '../src/db/migrations-dir.js';
import { MockPaymentProvider } from '../src/provider/mock-provider.js';

export const logger = createLogger({ service: 'payment-test', level: 'silent' });

export interface FakeBookingService {
  url: string;
  bookings: Map<string, BookingForPayment>;
  /** Answer every request with this status (e.g. 500) instead of the contract. */
  failWith: number | null;
  /** Delay every answer by this many ms. */
  delayMs: number;
  requests: number;
  close(): Promise<void>;
}

export async function startFakeBookingService(): Promise<FakeBookingService> {
  const fake: FakeBookingService = {
    url: '',
    bookings: new Map(),
    failWith: null,
    delayMs: 0,
    requests: 0,
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    fake.requests++;
    const answer = (): void => {
      if (fake.failWith !== null) {
        res.writeHead(fake.failWith, { 'content-type': 'application/problem+json' }).end('{"status":500}');
        return;
      }
      const match = /^\/internal\/bookings\/([^/?]+)$/.exec(req.url ?? '');
      const booking = match && req.method === 'GET' ? fake.bookings.get(decodeURIComponent(match[1] ?? '')) : undefined;
      if (!booking) {
        res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"status":404,"code":"BOOKING_NOT_FOUND"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(booking));
    };
    if (fake.delayMs > 0) setTimeout(answer, fake.delayMs);
    else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return fake;
}

export interface Harness {
  db: TestDatabase;
  /** The service's pool. */
  pool: Pool;
  /** The mock provider's own pool, as in server.ts. */
  providerPool: Pool;
  app: App;
  provider: MockPaymentProvider;
  bookingService: FakeBookingService;
  issuer: TestIssuer;
  /** A pending booking owned by `userId`, registered with the fake booking service. */
  addBooking(userId: string, overrides?: Partial<BookingForPayment>): BookingForPayment;
  authHeader(userId: string): Promise<{ authorization: string }>;
  /** A fresh client of the fake booking service (its own breaker). */
  createBookingClient(): BookingClient;
  close(): Promise<void>;
}

export interface HarnessOptions {
  providerLatencyMs?: number;
  bookingTimeoutMs?: number;
  /** The service's pool size (default 10). */
  poolMax?: number;
  /** The service pool's connection timeout (default @rail/db's 2 s). */
  connectionTimeoutMs?: number;
  providerTimeoutMs?: number;
}

export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const db = await createTestDatabase('payment', allMigrationDirs);
  const pool = createPool(db.url, {
    max: options.poolMax ?? 10,
    ...(options.connectionTimeoutMs ? { connectionTimeoutMs: options.connectionTimeoutMs } : {}),
  });
  const providerPool = createPool(db.url, { max: 4, applicationName: 'payment-mock-provider-test' });
  const provider = new MockPaymentProvider({ pool: providerPool, latencyMs: options.providerLatencyMs ?? 0 });
  const bookingService = await startFakeBookingService();
  const issuer = await createTestIssuer();
  const app = await buildApp({
    logger,
    pool,
    provider,
    ...(options.providerTimeoutMs ? { providerTimeoutMs: options.providerTimeoutMs } : {}),
    bookings: createHttpBookingClient({ baseUrl: bookingService.url, timeoutMs: options.bookingTimeoutMs ?? 1_000 }),
    auth: { issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks, nodeEnv: 'test' },
  });
  await app.ready();
  return {
    db,
    pool,
    providerPool,
    app,
    provider,
    bookingService,
    issuer,
    addBooking(userId, overrides = {}) {
      const booking: BookingForPayment = {
        bookingId: randomUUID(),
        userId,
        status: 'PENDING_PAYMENT',
        amount: 1_250,
        currency: 'BDT',
        expiresAt: new Date(Date.now() + 5 * 60_000).toISOString(),
        tripId: 42,
        ...overrides,
      };
      bookingService.bookings.set(booking.bookingId, booking);
      return booking;
    },
    createBookingClient: () => createHttpBookingClient({ baseUrl: bookingService.url, timeoutMs: 1_000 }),
    async authHeader(userId) {
      return { authorization: `Bearer ${await issuer.sign({ sub: userId })}` };
    },
    async close() {
      await app.close();
      await bookingService.close();
      await pool.end();
      await providerPool.end();
      await db.drop();
    },
  };
}

export function newUserId(): string {
  return `user-${randomUUID()}`;
}
