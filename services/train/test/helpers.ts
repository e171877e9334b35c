/**
 * Test fixtures: a fresh seeded database, a random Redis key prefix (deleted afterwards), the app built by
 * buildApp, tiny real HTTP servers standing in for the booking service's availability endpoint and the queue
 * service's active rooms, and a throwaway access-token issuer.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import { createTestIssuer, type TestIssuer } from '@rail/auth-verify/testing';
import type { ActiveRoomsResponse } from '@rail/contracts/queue';
import { AvailabilityQuery, type AvailabilityResult } from '@rail/contracts/train-internal';
import { createPool, createTestDatabase, type Pool, type TestDatabase } from '@rail/db';
import { createLogger } from '@rail/logger';
import { createRedis, type Redis } from '@rail/redis';
import type { App } from '@rail/http';
import { parsePassKeys, signPass, type SignPassInput } from '@rail/queue-pass';
import { buildApp } from '../src/app.js';
import { loadTrainConfig } from '../src/config.js';
import { migrationsDir } from '../src/migrate.js';
import { seedCatalog } from '../src/use-cases/seed-catalog.js';

/** 08:00 in Dhaka on 2026-03-10: the sales window is 2026-03-10 .. 2026-03-20. */
export const NOW = new Date('2026-03-10T02:00:00Z');
export const TODAY = '2026-03-10';
export const TRAINS = 18;
/** On a fresh database trip ids go by day, then train id. */
export const tripIdOf = (trainId: number, day = 0) => day * TRAINS + trainId;

export const logger = createLogger({ service: 'train-test', level: 'silent' });

export interface BookingStub {
  url: string;
  requests: AvailabilityQuery[];
  /** Seats to report per trip; every segment of the trip gets the same answer unless `answer` is replaced. */
  answer: (query: AvailabilityQuery['queries'][number]) => { held: number[]; booked: number[] };
  /** Replaces the whole response (status and body) to test broken answers. */
  override?: { status: number; body: unknown; delayMs?: number };
  close: () => Promise<void>;
}

export async function startBookingStub(): Promise<BookingStub> {
  const stub: BookingStub = {
    url: '',
    requests: [],
    answer: () => ({ held: [], booked: [] }),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.method !== 'POST' || req.url !== '/internal/availability') return send(404, { status: 404 });
      const payload: unknown = JSON.parse(raw);
      if (!Value.Check(AvailabilityQuery, payload)) return send(400, { status: 400, detail: 'payload breaks the contract' });
      stub.requests.push(payload);
      if (stub.override) {
        const { status, body, delayMs } = stub.override;
        setTimeout(() => send(status, body), delayMs ?? 0);
        return;
      }
      const result: AvailabilityResult = { results: payload.queries.map((q) => ({ ...q, ...stub.answer(q) })) };
      send(200, result);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}

/** The waiting-room key set of these tests (the queue service signs with the same in production). */
export const PASS_SECRET = `t1:${'p'.repeat(40)}`;
const passKeys = parsePassKeys(PASS_SECRET);
/** A pass as the queue service signs it; `expMs` defaults to ten minutes after NOW (the app's clock). */
export const passFor = (input: Omit<SignPassInput, 'expMs'> & { expMs?: number }, keys = passKeys) =>
  signPass(keys, { expMs: NOW.getTime() + 600_000, ...input });

export interface QueueStub {
  url: string;
  /** Dates whose room is active. */
  rooms: Set<string>;
  /** While set, the active rooms answer 503 (the queue service's Redis is lost). */
  down: boolean;
  /** Resolves once the app has polled twice more, so a change of `rooms` or `down` has been seen. */
  polled: () => Promise<void>;
  close: () => Promise<void>;
}

export async function startQueueStub(): Promise<QueueStub> {
  let polls = 0;
  const waiting: { at: number; resolve: () => void }[] = [];
  const stub: QueueStub = {
    url: '',
    rooms: new Set(),
    down: false,
    polled: () => new Promise((resolve) => waiting.push({ at: polls + 2, resolve })),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'GET' || req.url !== '/internal/rooms/active') return send(404, { status: 404 });
    polls += 1;
    for (const w of waiting.splice(0)) {
      if (polls >= w.at) w.resolve();
      else waiting.push(w);
    }
    if (stub.down) return send(503, { status: 503, code: 'QUEUE_UNAVAILABLE' });
    const body: ActiveRoomsResponse = { rooms: [...stub.rooms].map((date) => ({ date })) };
    send(200, body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}

export interface TestContext {
  app: App;
  db: TestDatabase;
  pool: Pool;
  redis: Redis;
  prefix: string;
  booking: BookingStub;
  queue: QueueStub;
  issuer: TestIssuer;
  close: () => Promise<void>;
}

/** A seeded database and a running app; `env` overrides config (e.g. cache TTLs). */
export async function createTestContext(env: Record<string, string> = {}): Promise<TestContext> {
  const db = await createTestDatabase('train', migrationsDir);
  const pool = createPool(db.url, { max: 4 });
  await seedCatalog(pool, { now: NOW, salesWindowDays: 10 });
  const prefix = `test:train:${randomBytes(5).toString('hex')}:`;
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'train-test' });
  const booking = await startBookingStub();
  // Always a stand-in queue service: a real one running on this machine must not decide these tests' rooms.
  const queue = await startQueueStub();
  const issuer = await createTestIssuer();
  const config = loadTrainConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    REDIS_KEY_PREFIX: prefix,
    BOOKING_SERVICE_URL: booking.url,
    AVAILABILITY_BACKOFF_MS: '0',
    QUEUE_SERVICE_URL: queue.url,
    QUEUE_ROOMS_POLL_MS: '50',
    QUEUE_PASS_SECRET: PASS_SECRET,
    ...env,
  });
  const app = await buildApp({ config, logger, pool, redis, now: () => NOW, authKeys: issuer.jwks });
  await app.ready();
  return {
    app,
    db,
    pool,
    redis,
    prefix,
    booking,
    queue,
    issuer,
    close: async () => {
      await app.close();
      await booking.close();
      await queue.close();
      await deleteKeys(redis, prefix);
      redis.disconnect();
      await pool.end();
      await db.drop();
    },
  };
}

/** Deletes only this test's keys (never FLUSHDB: other suites share the server). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
