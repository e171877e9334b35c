/**
 * PostgreSQL follows the waitlist offers Redis made (common.lua offer_waitlist: in the very step that freed
 * the seats). Each pending offer in the trip's `offers` zset is recorded idempotently: the HELD booking (id
 * chosen at join, waitlist_id set), the entry OFFERED and booking.waitlist-offered, in one transaction. An
 * offer PostgreSQL refuses (the seats are taken there) is undone in Redis, the seats resynced and what is
 * free offered again; an offer to an entry that has ended meanwhile is released to the next one. Runs right
 * after the script that made the offers (SeatInventory.onOffers) and, for offers a crash left behind, from
 * the waitlist job.
 */
import { withTransaction } from '@rail/db';
import { expireOverlapping, insertHold, isExclusionViolation } from '../db/bookings-repo.js';
import { applyWaitlistChange, findEntry, findEntryByOffer, toRedisEntry, type WaitlistEntryRow } from '../db/waitlist-repo.js';
import type { BookingDeps } from '../deps.js';
import type { NewHold } from '../domain/booking.js';
import { contactOfEntry, offer } from '../domain/waitlist.js';
import { fareFor, resolveSeats, resolveSegment } from '../inventory/trip-catalog.js';
import type { PendingOffer } from '../redis/seat-inventory.js';
import { resyncSeats } from './commit-hold.js';

type Outcome =
  | { kind: 'recorded' }
  | { kind: 'ended'; hold: NonNullable<PendingOffer['hold']> }
  | { kind: 'refused'; entry: WaitlistEntryRow; hold: NonNullable<PendingOffer['hold']> }
  | { kind: 'vanished'; entry: WaitlistEntryRow | null };

/** Records the trip's pending offers (those at least `minAgeMs` old). -> offers handled */
export async function drainOffers(deps: BookingDeps, tripId: number, minAgeMs = 0): Promise<number> {
  const pending = await deps.seats.pendingOffers(tripId);
  let handled = 0;
  for (const p of pending) {
    if (minAgeMs > 0 && p.offeredAtMs > Date.now() - minAgeMs) continue;
    await recordOffer(deps, tripId, p);
    handled++;
  }
  return handled;
}

const running = new WeakMap<object, Map<number, { again: boolean; done: Promise<void> }>>();

/** SeatInventory.onOffers: drain now, once at a time per trip (a call while one runs makes it run again). */
export function scheduleDrain(deps: BookingDeps, tripId: number): Promise<void> {
  let perDeps = running.get(deps.seats);
  if (!perDeps) running.set(deps.seats, (perDeps = new Map()));
  const current = perDeps.get(tripId);
  if (current) {
    current.again = true;
    return current.done;
  }
  const state = { again: false, done: Promise.resolve() };
  state.done = (async () => {
    try {
      do {
        state.again = false;
        await drainOffers(deps, tripId);
      } while (state.again);
    } catch (err) {
      deps.logger.error({ err, tripId }, 'could not record waitlist offers; the waitlist job will retry');
    } finally {
      perDeps.delete(tripId);
    }
  })();
  perDeps.set(tripId, state);
  return state.done;
}

/** In-flight drains (tests wait for them). */
export async function drainsSettled(deps: BookingDeps, tripId: number): Promise<void> {
  await running.get(deps.seats)?.get(tripId)?.done;
}

async function recordOffer(deps: BookingDeps, tripId: number, p: PendingOffer): Promise<void> {
  const catalog = await deps.inventories.get(tripId);
  const outcome = await withTransaction(deps.pool, async (db): Promise<Outcome> => {
    if (!p.hold) return { kind: 'vanished', entry: await findEntryByOffer(db, p.bookingId) };
    const hold = p.hold;
    const entry = await findEntry(db, hold.waitlistId, { forUpdate: true });
    if (entry?.status === 'OFFERED' && entry.offer_booking_id === p.bookingId) return { kind: 'recorded' };
    if (!entry || entry.status !== 'WAITING') return { kind: 'ended', hold };
    const segment = resolveSegment(catalog, entry.from_code, entry.to_code);
    const seats = resolveSeats(catalog, hold.seatIds);
    const newHold: NewHold = {
      bookingId: p.bookingId,
      userId: entry.user_id,
      contact: contactOfEntry(entry),
      tripId,
      segment,
      seats,
      amount: fareFor(catalog, seats, segment),
    };
    const expiresAt = new Date(hold.expiresAtMs);
    await db.query('SAVEPOINT waitlist_offer');
    try {
      // The seats may come from holds that ran out in Redis and are not yet EXPIRED here.
      await expireOverlapping(db, newHold, new Date(p.offeredAtMs));
      await insertHold(db, newHold, expiresAt, entry.id);
    } catch (err) {
      if (!isExclusionViolation(err)) throw err;
      await db.query('ROLLBACK TO SAVEPOINT waitlist_offer');
      return { kind: 'refused', entry, hold };
    }
    await applyWaitlistChange(db, offer(entry, seats, newHold.amount, expiresAt)!);
    return { kind: 'recorded' };
  });
  switch (outcome.kind) {
    case 'recorded':
      break;
    case 'ended':
      // The traveller left (or the entry closed) while Redis offered: the seats go to the next entry.
      await deps.seats.release(tripId, { bookingId: p.bookingId, ...outcome.hold });
      break;
    case 'refused':
      deps.logger.warn(
        { tripId, waitlistId: outcome.entry.id },
        'PostgreSQL refused a waitlist offer; resyncing and offering again',
      );
      await deps.seats.requeue(tripId, toRedisEntry(outcome.entry));
      await resyncSeats(deps, tripId, outcome.hold.seatIds, outcome.hold.mask);
      await deps.seats.offerRecorded(tripId, p.bookingId);
      await deps.seats.offerFree(tripId);
      return;
    case 'vanished':
      // The offer's hold is gone before it was recorded: the entry takes its place in line again.
      if (outcome.entry?.status === 'WAITING') {
        await deps.seats.requeue(tripId, toRedisEntry(outcome.entry));
        await deps.seats.offerRecorded(tripId, p.bookingId);
        await deps.seats.offerFree(tripId);
        return;
      }
      break;
  }
  await deps.seats.offerRecorded(tripId, p.bookingId);
}
