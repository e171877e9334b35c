/**
 * Periodic work of every replica: expire overdue bookings (PostgreSQL, SKIP LOCKED so replicas share the
 * work) and sweep expired holds out of Redis. Runs never overlap within a process.
 */
import type { BookingDeps } from '../deps.js';
import { expireOverdueBookings, sweepRedisHolds } from '../use-cases/expire-bookings.js';

export function startExpiryJob(deps: BookingDeps, intervalMs: number): () => Promise<void> {
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = async (): Promise<void> => {
    try {
      // Drain a backlog in batches, but yield between runs.
      for (let i = 0; i < 10 && (await expireOverdueBookings(deps)) > 0; i++);
      await sweepRedisHolds(deps);
    } catch (err) {
      deps.logger.warn({ err }, 'expiry job run failed; retrying next interval');
    }
  };
  const timer = setInterval(() => {
    if (running || stopped) return;
    running = tick().finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
