/**
 * One booking service per test file against the real PostgreSQL (a fresh database) and Redis (a random
 * key prefix, whose keys alone are deleted afterwards), with a stand-in inventory server, a test
 * token issuer and the waiting room's pass keys (no room active unless a test gives its own active rooms).
 */
import { randomBytes } from 'node:crypto';
import { createTestIssuer, type TestIssuer } from '@rail/auth-verify/testing';
import type { TripInventory } from '@rail/contracts/train-internal';
import { createPool, createTestDatabase, type Pool, type TestDatabase } from '@rail/db';
import type { App } from '@rail/http';
import { createLogger } from '@rail/logger';
import { outboxMigrationsDir } from '@rail/messaging';
import { parsePassKeys, type ActiveRooms, type PassKeys } from '@rail/queue-pass';
import { createRedis, type Redis } from '@rail/redis';
import { buildApp } from '../../src/app.js';
import type { BookingDeps } from '../../src/deps.js';
import { createInventoryClient } from '../../src/inventory/inventory-client.js';
import { migrationsDir } from '../../src/migrate.js';
import { SeatInventory } from '../../src/redis/seat-inventory.js';
import { scheduleDrain } from '../../src/use-cases/waitlist-offers.js';
import { createWaitingRoom, type WaitingRoom } from '../../src/waiting-room/waiting-room.js';
import { startInventoryServer, type InventoryServer } from './inventory-server.js';

export interface Harness {
  app: App;
  deps: BookingDeps;
  pool: Pool;
  redis: Redis;
  prefix: string;
  issuer: TestIssuer;
  inventoryServer: InventoryServer;
  token: (userId: string, claims?: Record<string, unknown>) => Promise<string>;
  auth: (userId: string) => Promise<{ authorization: string }>;
  close: () => Promise<void>;
  subscriberStatus: () => string;
  /** The keys the app verifies passes with (sign test passes with signPass and these). */
  passKeys: PassKeys;
  waitingRoom: WaitingRoom;
}

/** QUEUE_PASS_SECRET of the test apps. */
export const TEST_PASS_SECRET = `t1:${'p'.repeat(40)}`;

export interface HarnessOptions {
  holdTtlSeconds?: number;
  otpDevEcho?: boolean;
  poolMax?: number;
  availabilityMaxAgeMs?: number;
  waitlistOfferTtlSeconds?: number;
  waitlistCutoffMinutes?: number;
  /** The waiting room's poll of active rooms (default: none active) and its period. */
  waitingRoom?: { fetchActive: () => Promise<ActiveRooms>; intervalMs?: number };
}

export async function startHarness(inventories: TripInventory[], options: HarnessOptions = {}): Promise<Harness> {
  const db: TestDatabase = await createTestDatabase('booking', [migrationsDir, outboxMigrationsDir]);
  const prefix = `test:booking:${randomBytes(4).toString('hex')}:`;
  // Small pools: many test files (and other people's) share one PostgreSQL with a 100-connection limit.
  const pool = createPool(db.url, { max: options.poolMax ?? 4 });
  const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'booking-test' });
  const subscriber = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'booking-test-sub' });
  let reconnects = 0;
  let lastError = '';
  subscriber.on('error', (err: Error) => (lastError = err.message));
  subscriber.on('reconnecting', () => reconnects++);
  const inventoryServer = await startInventoryServer(inventories);
  const issuer = await createTestIssuer();
  const logger = createLogger({ service: 'booking', level: process.env.LOG_LEVEL ?? 'silent' });
  const deps: BookingDeps = {
    pool,
    redis,
    seats: new SeatInventory(redis, prefix, { offerTtlMs: (options.waitlistOfferTtlSeconds ?? 900) * 1000 }),
    inventories: createInventoryClient({ baseUrl: inventoryServer.url }),
    settings: {
      holdTtlSeconds: options.holdTtlSeconds ?? 300,
      maxSeatsPerUser: 4,
      otpPepper: 'test-pepper-0123456789',
      otpDevEcho: options.otpDevEcho ?? true,
      waitlistCutoffMinutes: options.waitlistCutoffMinutes ?? 0,
    },
    logger,
  };
  deps.seats.onOffers = (tripId) => void scheduleDrain(deps, tripId);
  const passKeys = parsePassKeys(TEST_PASS_SECRET);
  const waitingRoom = createWaitingRoom({
    keys: passKeys,
    fetchActive: options.waitingRoom?.fetchActive ?? (async () => ({ rooms: [] })),
    intervalMs: options.waitingRoom?.intervalMs ?? 1000,
    logger,
  });
  const app = await buildApp({
    ...deps,
    nodeEnv: 'test',
    auth: { issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks },
    subscriber,
    seatEventsCoalesceMs: 50,
    availabilityMaxAgeMs: options.availabilityMaxAgeMs ?? 0,
    waitingRoom,
  });
  await app.ready();
  const tokens = new Map<string, string>();
  const token = async (userId: string, claims: Record<string, unknown> = {}): Promise<string> => {
    const cacheable = Object.keys(claims).length === 0;
    const hit = cacheable ? tokens.get(userId) : undefined;
    if (hit) return hit;
    const signed = await issuer.sign({ sub: userId, phone: '+8801712345678', name: `User ${userId}`, ...claims });
    if (cacheable) tokens.set(userId, signed);
    return signed;
  };
  return {
    app,
    deps,
    pool,
    redis,
    prefix,
    issuer,
    inventoryServer,
    passKeys,
    waitingRoom,
    token,
    subscriberStatus: () => `${subscriber.status} reconnects=${reconnects} ${lastError}`,
    auth: async (userId) => ({ authorization: `Bearer ${await token(userId)}` }),
    close: async () => {
      await app.close();
      await deleteKeys(redis, prefix);
      await Promise.allSettled([pool.end(), redis.quit(), subscriber.quit(), inventoryServer.close()]);
      await db.drop();
    },
  };
}

/** Deletes this test file's keys only (never FLUSHDB: others share the server). */
export async function deleteKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
