/**
 * Makes sure Redis has a trip's inventory before it takes holds: when the trip's loaded marker is missing
 * (first use, Redis restart, flush, failover), one process rebuilds it from PostgreSQL's active rows under
 * a lock while the others wait. Holds are refused by the hold script until the marker is back.
 */
import { randomUUID } from 'node:crypto';
import { ServiceUnavailableError } from '@rail/errors';
import { activeEntries } from '../db/bookings-repo.js';
import { waitingEntries } from '../db/waitlist-repo.js';
import type { BookingDeps } from '../deps.js';

const BATCH = 200;
const LOCK_TTL_MS = 15_000;
const WAIT_LIMIT_MS = 5_000;
const inProcess = new WeakMap<object, Map<number, Promise<void>>>();

export async function rebuildTrip(deps: BookingDeps, tripId: number): Promise<number> {
  const entries = await activeEntries(deps.pool, tripId);
  // The line comes back in PostgreSQL's join order with the final batch.
  const waiting = await waitingEntries(deps.pool, tripId);
  const generation = randomUUID();
  if (entries.length === 0) await deps.seats.rebuildBatch(tripId, generation, [], true, waiting);
  for (let i = 0; i < entries.length; i += BATCH) {
    const final = i + BATCH >= entries.length;
    await deps.seats.rebuildBatch(tripId, generation, entries.slice(i, i + BATCH), final, final ? waiting : []);
  }
  await deps.seats.rememberTrip(tripId);
  deps.logger.info({ tripId, bookings: entries.length }, 'rebuilt trip inventory in Redis from PostgreSQL');
  return entries.length;
}

async function loadOnce(deps: BookingDeps, tripId: number): Promise<void> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (Date.now() < deadline) {
    if (await deps.seats.isLoaded(tripId)) return;
    const token = randomUUID();
    if (await deps.seats.tryLock(tripId, token, LOCK_TTL_MS)) {
      try {
        // Another process may have finished between our check and the lock.
        if (!(await deps.seats.isLoaded(tripId))) await rebuildTrip(deps, tripId);
      } finally {
        await deps.seats.unlock(tripId, token);
      }
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
  }
  throw new ServiceUnavailableError('Seat inventory is being restored; try again in a moment', 1, 'INVENTORY_REBUILDING');
}

export async function ensureTripLoaded(deps: BookingDeps, tripId: number): Promise<void> {
  let perDeps = inProcess.get(deps.seats);
  if (!perDeps) inProcess.set(deps.seats, (perDeps = new Map()));
  let pending = perDeps.get(tripId);
  if (!pending) {
    pending = loadOnce(deps, tripId).finally(() => perDeps.delete(tripId));
    perDeps.set(tripId, pending);
  }
  await pending;
}
