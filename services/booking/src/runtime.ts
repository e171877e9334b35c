/** Creates the service's clients from config (shared by server.ts and the audit command). */
import { createPool } from '@rail/db';
import type { Logger } from '@rail/logger';
import { createRedis } from '@rail/redis';
import type { BookingConfig } from './config.js';
import type { BookingDeps } from './deps.js';
import { createInventoryClient } from './inventory/inventory-client.js';
import { SeatInventory } from './redis/seat-inventory.js';
import { scheduleDrain } from './use-cases/waitlist-offers.js';
import { MAX_SEATS_PER_USER } from '@rail/contracts/booking';

export function createDeps(config: BookingConfig, logger: Logger): BookingDeps {
  const pool = createPool(config.DATABASE_URL, { max: config.DATABASE_POOL_MAX, applicationName: 'booking' });
  const redis = createRedis(config.REDIS_URL, { name: 'booking:commands', offlineQueue: false });
  const seats = new SeatInventory(redis, config.REDIS_KEY_PREFIX, { offerTtlMs: config.WAITLIST_OFFER_TTL_SECONDS * 1000 });
  const deps: BookingDeps = {
    pool,
    redis,
    seats,
    inventories: createInventoryClient({ baseUrl: config.TRAIN_SERVICE_URL }),
    settings: {
      holdTtlSeconds: config.HOLD_TTL_SECONDS,
      maxSeatsPerUser: MAX_SEATS_PER_USER,
      otpPepper: config.OTP_PEPPER,
      otpDevEcho: config.OTP_DEV_ECHO,
      waitlistCutoffMinutes: config.WAITLIST_CUTOFF_MINUTES,
    },
    logger,
  };
  // Waitlist offers Redis makes while freeing seats are recorded in PostgreSQL right away.
  seats.onOffers = (tripId) => void scheduleDrain(deps, tripId);
  return deps;
}

/** Waits until a client created without an offline queue is connected (commands before that fail fast). */
export async function waitForRedis(redis: BookingDeps['redis'], timeoutMs = 10_000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Redis not ready after ${timeoutMs} ms`)), timeoutMs);
    redis.once('ready', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
