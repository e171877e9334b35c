/**
 * The hot path: hold 1-4 seats for a journey segment. Redis decides in one atomic script (losers get 409
 * without touching PostgreSQL); winners are written to PostgreSQL in one transaction, where the exclusion
 * constraint is the final arbiter.
 */
import { randomUUID } from 'node:crypto';
import type { AuthUser } from '@rail/auth-verify';
import type { SelectSeatIdsBody, SelectSeatsResponse } from '@rail/contracts/booking';
import { withTransaction } from '@rail/db';
import { ConflictError, ServiceUnavailableError } from '@rail/errors';
import { activeEntries, expireOverlapping, insertHold, isExclusionViolation } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { toContact, type NewHold } from '../domain/booking.js';
import { fareFor, resolveSeats, resolveSegment } from '../inventory/trip-catalog.js';
import type { BookingEntry, HoldResult } from '../redis/seat-inventory.js';
import { ensureTripLoaded } from './ensure-trip-loaded.js';

export async function selectSeats(deps: BookingDeps, user: AuthUser, body: SelectSeatIdsBody): Promise<SelectSeatsResponse> {
  const catalog = await deps.inventories.get(body.tripId);
  const segment = resolveSegment(catalog, body.from, body.to);
  const seats = resolveSeats(catalog, body.seatIds);
  // The one hold of this request: the Redis call, the rows, booking.held and the answer all derive from it.
  const hold: NewHold = {
    bookingId: randomUUID(),
    userId: user.id,
    contact: toContact(user),
    tripId: body.tripId,
    segment,
    seats,
    amount: fareFor(catalog, seats, segment),
  };
  const place = (): Promise<HoldResult> => deps.seats.hold(redisHold(hold, deps.settings));

  let result = await place();
  if (result.kind === 'not-loaded') {
    await ensureTripLoaded(deps, hold.tripId);
    result = await place();
  }
  switch (result.kind) {
    case 'taken':
      throw new ConflictError('SEAT_UNAVAILABLE', 'Some of these seats are already taken for this journey', {
        seatIds: result.seatIds,
      });
    case 'limit':
      throw new ConflictError('LIMIT_EXCEEDED', `At most ${deps.settings.maxSeatsPerUser} seats per person per trip`, {
        limit: deps.settings.maxSeatsPerUser,
        alreadyHeld: result.used,
      });
    case 'not-loaded':
      throw new ServiceUnavailableError('Seat inventory is being restored; try again in a moment', 1, 'INVENTORY_REBUILDING');
    case 'held':
      break;
  }

  const expiresAt = new Date(result.expiresAtMs);
  // Redis's clock at the hold: holds that expired by then may be marked EXPIRED to make room.
  const redisNow = new Date(result.nowMs);
  const entry = heldEntry(hold, result.expiresAtMs);
  try {
    try {
      await persistHold(deps, hold, expiresAt, result.staleOverlap ? redisNow : null);
    } catch (err) {
      // An overlapping hold that PostgreSQL still has but Redis no longer knows (rebuilt without it, or it
      // expired): expire what is overdue and try once more before calling it a conflict.
      if (!isExclusionViolation(err) || result.staleOverlap) throw err;
      await persistHold(deps, hold, expiresAt, redisNow);
    }
  } catch (err) {
    await deps.seats
      .release(hold.tripId, entry)
      .catch((e: unknown) => deps.logger.error({ err: e }, 'could not release a failed hold'));
    if (isExclusionViolation(err)) {
      const seatIds = entry.seatIds;
      const taken = await resyncSeats(deps, hold.tripId, seatIds, hold.segment.mask);
      throw new ConflictError('SEAT_UNAVAILABLE', 'Some of these seats are already taken for this journey', {
        seatIds: taken.length > 0 ? taken : seatIds,
      });
    }
    deps.logger.error({ err, bookingId: hold.bookingId }, 'could not save a hold');
    throw new ServiceUnavailableError('Your seats could not be saved; please try again', 1, 'HOLD_NOT_SAVED');
  }

  // Redis lost the trip between our hold and our commit: put our committed hold back (a no-op otherwise).
  await deps.seats.upsert(hold.tripId, entry, result.generation);

  return {
    bookingId: hold.bookingId,
    status: 'HELD',
    expiresAt: expiresAt.toISOString(),
    tripId: hold.tripId,
    from: hold.segment.from,
    to: hold.segment.to,
    seats: hold.seats,
    amount: hold.amount,
    currency: 'BDT',
  };
}

/** The hold script's arguments for this hold. */
function redisHold(hold: NewHold, settings: BookingDeps['settings']): Parameters<BookingDeps['seats']['hold']>[0] {
  return {
    tripId: hold.tripId,
    bookingId: hold.bookingId,
    userId: hold.userId,
    seatIds: hold.seats.map((s) => s.seatId),
    mask: hold.segment.mask,
    ttlMs: settings.holdTtlSeconds * 1000,
    limit: settings.maxSeatsPerUser,
    from: hold.segment.from,
    to: hold.segment.to,
  };
}

/** The hold's Redis entry once granted until `expiresAtMs`. */
function heldEntry(hold: NewHold, expiresAtMs: number): BookingEntry {
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
async function resyncSeats(deps: BookingDeps, tripId: number, seatIds: number[], mask: number): Promise<number[]> {
  const entries = await activeEntries(deps.pool, tripId, seatIds);
  const taken = new Set<number>();
  for (const e of entries) {
    await deps.seats.upsert(tripId, e);
    if ((e.mask & mask) !== 0) for (const s of e.seatIds) if (seatIds.includes(s)) taken.add(s);
  }
  return [...taken].sort((a, b) => a - b);
}
