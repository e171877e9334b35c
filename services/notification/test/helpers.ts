/** Test wiring: config with a random Redis prefix, a log capture, sample event data, and cleanup. */
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import type { EventDataOf } from '@rail/contracts/events';
import { createLogger } from '@rail/logger';
import { createRedis, type Redis } from '@rail/redis';
import { loadNotificationConfig, type NotificationConfig } from '../src/config.js';

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
