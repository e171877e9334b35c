/**
 * Periodic work of every replica: expire overdue bookings (PostgreSQL, SKIP LOCKED so replicas share the
 * work), sweep expired holds out of Redis (offering what they free to the waitlist), close waitlist entries at
 * their cut-off and record waitlist offers a crash left unrecorded. Scheduled by @rail/jobs: runs never overlap within a process,
 * and a failed run is logged and retried on the next tick.
 */
import { startPeriodicJob, type PeriodicJob } from '@rail/jobs';
import type { BookingDeps } from '../deps.js';
import { closeAtCutoff, offerWhatIsFree, recordStrayOffers } from '../use-cases/close-waitlists.js';
import { expireOverdueBookings, sweepRedisHolds } from '../use-cases/expire-bookings.js';

export function startExpiryJob(deps: BookingDeps, intervalMs: number): PeriodicJob {
  return startPeriodicJob({
    name: 'expire-bookings',
    intervalMs,
    // Replicas started together would otherwise all wake in the same millisecond.
    jitterMs: intervalMs / 10,
    logger: deps.logger,
    run: async (signal) => {
      // Drain a backlog in batches, but yield between runs (and stop early on shutdown).
      for (let i = 0; i < 10 && !signal.aborted && (await expireOverdueBookings(deps)) > 0; i++);
      await sweepRedisHolds(deps);
      await closeAtCutoff(deps);
      await recordStrayOffers(deps);
      await offerWhatIsFree(deps);
    },
  });
}
