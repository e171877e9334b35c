/**
 * The waitlist job's work: entries still WAITING at the cut-off before departure are CLOSED with
 * booking.waitlist-closed (the notification service tells the traveller), and offers that Redis made but a
 * crash kept PostgreSQL from recording are recorded (waitlist-offers.ts), and, as a safety net, whatever is
 * free is offered to trips with a line (seats freed by a rebuild rather than by a script that offers).
 */
import { withTransaction } from '@rail/db';
import { applyWaitlistChange, dueForCutoff, tripsWithWaiting, type WaitlistEntryRow } from '../db/waitlist-repo.js';
import type { BookingDeps } from '../deps.js';
import { close } from '../domain/waitlist.js';
import { drainOffers } from './waitlist-offers.js';

export async function closeAtCutoff(deps: BookingDeps, limit = 200): Promise<number> {
  const closed = await withTransaction(deps.pool, async (db): Promise<WaitlistEntryRow[]> => {
    const due = await dueForCutoff(db, deps.settings.waitlistCutoffMinutes, limit);
    for (const entry of due) await applyWaitlistChange(db, close(entry, 'cut-off')!);
    return due;
  });
  for (const e of closed) await deps.seats.removeFromWaitlist(e.trip_id, e.id, e.user_id);
  return closed.length;
}

/** Offers left unrecorded for a while (the normal path records them at once). */
export async function recordStrayOffers(deps: BookingDeps, minAgeMs = 5_000): Promise<number> {
  let n = 0;
  for (const tripId of await deps.seats.knownTrips()) n += await drainOffers(deps, tripId, minAgeMs);
  return n;
}

/** Offers what is free to each trip that has WAITING entries (after a Redis rebuild the layout may be missing). */
export async function offerWhatIsFree(deps: BookingDeps): Promise<number> {
  let made = 0;
  for (const tripId of await tripsWithWaiting(deps.pool)) {
    if (!(await deps.seats.isLoaded(tripId))) continue;
    if (!(await deps.seats.hasLayout(tripId))) await deps.seats.writeLayout(tripId, (await deps.inventories.get(tripId)).layouts);
    made += await deps.seats.offerFree(tripId);
  }
  return made;
}
