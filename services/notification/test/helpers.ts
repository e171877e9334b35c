/**
 * Test wiring: config with a random Redis prefix, a fresh migrated notification database, a stand-in booking and
 * train service (a real HTTP server speaking their contracts), a log capture, sample event data, and cleanup.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { BookingView } from '@rail/contracts/booking';
import type { EventDataOf } from '@rail/contracts/events';
import type { TripDetail } from '@rail/contracts/train';
import { createPool, createTestDatabase, type Pool, type TestDatabase } from '@rail/db';
import { createLogger } from '@rail/logger';
import { createRedis, type Redis } from '@rail/redis';
import { loadNotificationConfig, type NotificationConfig } from '../src/config.js';
import { migrationsDir } from '../src/db/migrations-dir.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const INTERNAL_TOKEN = 'test-internal-token-0123456789';

export function randomSuffix(): string {
  return randomBytes(5).toString('hex');
}

export function testConfig(overrides: Record<string, string> = {}): NotificationConfig {
  return loadNotificationConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    REDIS_URL,
    AMQP_URL,
    REDIS_KEY_PREFIX: `test:notification:${randomSuffix()}:`,
    INTERNAL_API_TOKEN: INTERNAL_TOKEN,
    // Nothing listens on the discard port: a test that needs the upstreams starts fakes and passes their URL.
    BOOKING_SERVICE_URL: 'http://127.0.0.1:9',
    TRAIN_SERVICE_URL: 'http://127.0.0.1:9',
    UPSTREAM_TIMEOUT_MS: '500',
    ...overrides,
  });
}

/** A logger whose JSON lines are kept, to check what reaches the logs. */
export function capturingLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { logger: createLogger({ service: 'notification', level: 'info', destination }), lines };
}

export function testRedis(): Redis {
  return createRedis(REDIS_URL, { name: 'notification-test' });
}

export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

export function confirmedBooking(overrides: Partial<EventDataOf<'booking.confirmed'>> = {}): EventDataOf<'booking.confirmed'> {
  return {
    bookingId: randomUUID(),
    reference: 'K7M3QX',
    userId: 'user-1',
    contact: { phone: '01712345678', email: 'Rahim@Example.com', name: 'Rahim Uddin' },
    tripId: 42,
    trainName: 'Subarna Express',
    trainNumber: '701',
    date: '2026-04-08',
    from: 'DHK',
    to: 'CTG',
    departure: '2026-04-08T01:00:00.000Z',
    seats: [
      { seatId: 11, label: 'KA-12', coach: 'KA', class: 'S_CHAIR' },
      { seatId: 12, label: 'KA-13', coach: 'KA', class: 'S_CHAIR' },
    ],
    passengers: [{ name: 'Rahim Uddin', age: 34, gender: 'male' }, { name: 'Karima Begum' }],
    amount: 1_530,
    paymentId: randomUUID(),
    ...overrides,
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

export interface TestStores {
  db: TestDatabase;
  pool: Pool;
  redis: Redis;
  /** Deletes the Redis keys under `prefix`, closes both clients and drops the database. */
  close(prefix: string): Promise<void>;
}

/** A fresh migrated notification_db of its own and a Redis client (keys isolated by the config's prefix). */
export async function testStores(): Promise<TestStores> {
  const db = await createTestDatabase('notification', migrationsDir);
  const pool = createPool(db.url, { max: 5 });
  const redis = testRedis();
  return {
    db,
    pool,
    redis,
    async close(prefix) {
      await deleteKeys(redis, prefix);
      redis.disconnect();
      await pool.end();
      await db.drop();
    },
  };
}

export interface FakeUpstreams {
  /** Base URL of both the booking and the train routes. */
  url: string;
  /** Bookings by id, each with its owner (the `sub` of the bearer token the booking service would accept). */
  bookings: Map<string, { owner: string; view: BookingView }>;
  trips: Map<number, TripDetail>;
  /** Answer every request with this status instead of the contract. */
  failWith: number | null;
  /** Method and path of every request, and the authorization header it carried. */
  requests: { path: string; authorization: string | undefined }[];
  close(): Promise<void>;
}

function tokenSubject(authorization: string | undefined): string | null {
  const payload = authorization?.replace(/^Bearer /, '').split('.')[1];
  if (!payload) return null;
  try {
    return (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: string }).sub ?? null;
  } catch {
    return null;
  }
}

/** GET /api/bookings/:id (owner only, like the booking service) and GET /api/trains/trips/:tripId. */
export async function startFakeUpstreams(): Promise<FakeUpstreams> {
  const fake: FakeUpstreams = {
    url: '',
    bookings: new Map(),
    trips: new Map(),
    failWith: null,
    requests: [],
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    fake.requests.push({ path, authorization: req.headers.authorization });
    const json = (status: number, body: unknown) =>
      res
        .writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'application/problem+json' })
        .end(JSON.stringify(body));
    if (fake.failWith !== null) return json(fake.failWith, { status: fake.failWith });
    const booking = /^\/api\/bookings\/([^/?]+)$/.exec(path);
    if (booking) {
      const sub = tokenSubject(req.headers.authorization);
      if (sub === null) return json(401, { status: 401, code: 'UNAUTHORIZED' });
      const found = fake.bookings.get(decodeURIComponent(booking[1] ?? ''));
      return found && found.owner === sub ? json(200, found.view) : json(404, { status: 404, code: 'BOOKING_NOT_FOUND' });
    }
    const trip = /^\/api\/trains\/trips\/(\d+)$/.exec(path);
    const found = trip ? fake.trips.get(Number(trip[1])) : undefined;
    return found ? json(200, found) : json(404, { status: 404, code: 'TRIP_NOT_FOUND' });
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

/** Registers a CONFIRMED booking (and its trip) with the fake upstreams, as booking.confirmed would describe it. */
export function addConfirmedBooking(fake: FakeUpstreams, booking: EventDataOf<'booking.confirmed'>): void {
  const now = new Date().toISOString();
  fake.bookings.set(booking.bookingId, {
    owner: booking.userId,
    view: {
      bookingId: booking.bookingId,
      status: 'CONFIRMED',
      tripId: booking.tripId,
      from: booking.from,
      to: booking.to,
      seats: booking.seats,
      // The event's passenger is the booking's, with gender widened to a string.
      passengers: booking.passengers as BookingView['passengers'],
      amount: booking.amount,
      currency: 'BDT',
      expiresAt: null,
      reference: booking.reference,
      createdAt: now,
      updatedAt: now,
    },
  });
  fake.trips.set(booking.tripId, {
    tripId: booking.tripId,
    date: booking.date,
    trainNumber: booking.trainNumber,
    trainName: booking.trainName,
    stops: [],
    classes: [],
  });
}
