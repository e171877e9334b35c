/** Shared test helpers: unique names, a silent logger, polling, and sample events. */
import { randomBytes, randomUUID } from 'node:crypto';
import { createLogger } from '@rail/logger';
import { buildEnvelope } from '../src/index.js';

export const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const logger = createLogger({ service: 'messaging-test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export function uniqueName(prefix: string): string {
  return `test.${prefix}.${randomBytes(5).toString('hex')}`;
}

export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function expiredEvent(seatId = 1) {
  return buildEnvelope('booking.expired', { bookingId: randomUUID(), userId: 'u-1', tripId: 7, seatIds: [seatId] });
}
