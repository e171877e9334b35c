/**
 * The winner path shared by every way of taking seats (select by seat ids, "pick for me", a waitlist offer
 * follows the same insert): Redis granted a hold; PostgreSQL writes it in one statement, where the exclusion
 * constraint is the final arbiter. A refusal frees the hold in Redis and copies PostgreSQL's truth for those
 * seats back into Redis.
 */
import type { SelectSeatsResponse } from '@rail/contracts/booking';
import { withTransaction } from '@rail/db';
import { ServiceUnavailableError } from '@rail/errors';
import { activeEntries, expireOverlapping, insertHold, isExclusionViolation } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import type { NewHold } from '../domain/booking.js';
import type { BookingEntry } from '../redis/seat-inventory.js';
import { ensureTripLoaded } from './ensure-trip-loaded.js';

/** What the hold script answers a winner. */
export interface GrantedHold {
  expiresAtMs: number;
  generation: string;
  nowMs: number;
  staleOverlap: boolean;
}

export type CommitOutcome = { kind: 'committed' } | { kind: 'refused'; taken: number[] };

/** Runs a Redis placement, rebuilding the trip from PostgreSQL first when Redis has lost it. */
export async function placeOnLoadedTrip<R extends { kind: string }>(
  deps: BookingDeps,
  tripId: number,
  place: () => Promise<R>,
): Promise<R> {
  const result = await place();
  if (result.kind !== 'not-loaded') return result;
  await ensureTripLoaded(deps, tripId);
  return place();
}

export function tripRebuilding(): ServiceUnavailableError {
  return new ServiceUnavailableError('Seat inventory is being restored; try again in a moment', 1, 'INVENTORY_REBUILDING');
}

/** Writes the hold Redis granted; `refused` when PostgreSQL already has some of these seat-legs taken. */
export async function commitHold(deps: BookingDeps, hold: NewHold, granted: GrantedHold): Promise<CommitOutcome> {
  const expiresAt = new Date(granted.expiresAtMs);
  // Redis's clock at the hold: holds that expired by then may be marked EXPIRED to make room.
  const redisNow = new Date(granted.nowMs);
  const entry = heldEntry(hold, granted.expiresAtMs);
  try {
    try {
      await persistHold(deps, hold, expiresAt, granted.staleOverlap ? redisNow : null);
    } catch (err) {
      // An overlapping hold that PostgreSQL still has but Redis no longer knows (rebuilt without it, or it
      // expired): expire what is overdue and try once more before calling it a conflict.
      if (!isExclusionViolation(err) || granted.staleOverlap) throw err;
      await persistHold(deps, hold, expiresAt, redisNow);
    }
  } catch (err) {
    await deps.seats
      .release(hold.tripId, entry)
      .catch((e: unknown) => deps.logger.error({ err: e }, 'could not release a failed hold'));
    if (isExclusionViolation(err))
      return { kind: 'refused', taken: await resyncSeats(deps, hold.tripId, entry.seatIds, hold.segment.mask) };
    deps.logger.error({ err, bookingId: hold.bookingId }, 'could not save a hold');
    throw new ServiceUnavailableError('Your seats could not be saved; please try again', 1, 'HOLD_NOT_SAVED');
  }
  // Redis lost the trip between our hold and our commit: put our committed hold back (a no-op otherwise).
  await deps.seats.upsert(hold.tripId, entry, granted.generation);
  return { kind: 'committed' };
}

/** The 201 answer for a committed hold. */
export function holdResponse(hold: NewHold, expiresAtMs: number): SelectSeatsResponse {
  return {
    bookingId: hold.bookingId,
    status: 'HELD',
    expiresAt: new Date(expiresAtMs).toISOString(),
    tripId: hold.tripId,
    from: hold.segment.from,
    to: hold.segment.to,
    seats: hold.seats,
    amount: hold.amount,
    currency: 'BDT',
  };
}

/** The hold's Redis entry once granted until `expiresAtMs`. */
export function heldEntry(hold: NewHold, expiresAtMs: number): BookingEntry {
  return {
    bookingId: hold.bookingId,
    userId: hold.userId,
    seatIds: hold.seats.map((s) => s.seatId),
    mask: hold.segment.mask,
    expiresAtMs,
    state: 'H',
    from: hold.segment.from,
    to: hold.segment.to,
  };
}

/**
 * Writes the hold. Usually one statement (atomic by itself, no transaction round trips); when overdue overlapping
 * holds must first be expired to make room (`expireStaleAsOf`), both in one transaction.
 */
async function persistHold(deps: BookingDeps, hold: NewHold, expiresAt: Date, expireStaleAsOf: Date | null): Promise<void> {
  if (!expireStaleAsOf) return insertHold(deps.pool, hold, expiresAt);
  await withTransaction(deps.pool, async (client) => {
    await expireOverlapping(client, hold, expireStaleAsOf);
    await insertHold(client, hold, expiresAt);
  });
}

/** After PostgreSQL refused a hold Redis allowed, copy PostgreSQL's truth for those seats back into Redis. */
export async function resyncSeats(deps: BookingDeps, tripId: number, seatIds: number[], mask: number): Promise<number[]> {
  const entries = await activeEntries(deps.pool, tripId, seatIds);
  const taken = new Set<number>();
  for (const e of entries) {
    await deps.seats.upsert(tripId, e);
    if ((e.mask & mask) !== 0) for (const s of e.seatIds) if (seatIds.includes(s)) taken.add(s);
  }
  return [...taken].sort((a, b) => a - b);
}
