/**
 * The traveller's side of the waitlist: join (a sold-out class on a segment, 1-4 seats, one entry per trip,
 * within the per-user limit counted with holds and bookings), list mine with positions, leave. PostgreSQL
 * has the entry; Redis (waitlist-join.lua) decides, atomically with the seat state, whether it may join,
 * and keeps the line. Offers are made by the scripts that free seats (waitlist-offers.ts records them).
 */
import { randomUUID } from 'node:crypto';
import type { AuthUser } from '@rail/auth-verify';
import type { JoinWaitlistBody, JoinWaitlistResponse, LeaveWaitlistResponse, WaitlistList } from '@rail/contracts/booking';
import { withTransaction } from '@rail/db';
import { ConflictError, NotFoundError, ValidationError } from '@rail/errors';
import {
  applyWaitlistChange,
  enqueueWaitlistEvent,
  findEntry,
  insertEntry,
  isOneEntryViolation,
  listUserEntries,
  positionOf,
  toEntryView,
  toRedisEntry,
} from '../db/waitlist-repo.js';
import type { BookingDeps } from '../deps.js';
import { toContact } from '../domain/booking.js';
import { close, joined } from '../domain/waitlist.js';
import { resolveSegment } from '../inventory/trip-catalog.js';
import type { JoinResult } from '../redis/seat-inventory.js';
import { placeOnLoadedTrip, tripRebuilding } from './commit-hold.js';
import { limitExceeded } from './select-seats.js';
import { releaseBooking } from './release-booking.js';

export async function joinWaitlist(deps: BookingDeps, user: AuthUser, body: JoinWaitlistBody): Promise<JoinWaitlistResponse> {
  const catalog = await deps.inventories.get(body.tripId);
  const segment = resolveSegment(catalog, body.from, body.to);
  if (!catalog.layouts.has(body.class))
    throw ValidationError.field('body.class', `this trip has no ${body.class} seats`, 'CLASS_NOT_ON_TRIP');
  const departure = catalog.inventory.stops[segment.fromIndex]?.departure ?? null;
  if (departure && Date.parse(departure) - deps.settings.waitlistCutoffMinutes * 60_000 <= Date.now()) {
    throw new ConflictError('WAITLIST_CLOSED', 'The waitlist of this train has closed: it leaves soon');
  }
  let joinedRedis: { tripId: number; waitlistId: string } | null = null;
  try {
    return await withTransaction(deps.pool, async (db) => {
      let row;
      await db.query('SAVEPOINT waitlist_join');
      try {
        row = await insertEntry(db, {
          id: randomUUID(),
          userId: user.id,
          tripId: body.tripId,
          from: segment.from,
          to: segment.to,
          fromIndex: segment.fromIndex,
          toIndex: segment.toIndex,
          seatClass: body.class,
          count: body.count,
          offerBookingId: randomUUID(),
          contact: toContact(user),
          trainName: catalog.inventory.trainName,
          trainNumber: catalog.inventory.trainNumber,
          date: catalog.inventory.date,
          departsAt: departure,
        });
      } catch (err) {
        if (isOneEntryViolation(err)) throw duplicate();
        throw err;
      }
      const entry = toRedisEntry(row);
      const join = (): Promise<JoinResult> =>
        placeOnLoadedTrip(deps, body.tripId, () => deps.seats.joinWaitlist(body.tripId, entry, deps.settings.maxSeatsPerUser));
      let result = await join();
      if (result.kind === 'no-layout') {
        await deps.seats.writeLayout(body.tripId, catalog.layouts);
        result = await join();
      }
      switch (result.kind) {
        case 'seats-free':
          throw new ConflictError(
            'WAITLIST_SEATS_AVAILABLE',
            'Seats of this class are free for this journey: hold them instead',
            {
              seatsLeft: result.seatsLeft,
            },
          );
        case 'limit':
          throw limitExceeded(deps, result.used);
        case 'duplicate':
          throw duplicate();
        case 'not-loaded':
        case 'no-layout':
          throw tripRebuilding();
        case 'joined':
          break;
      }
      joinedRedis = { tripId: body.tripId, waitlistId: row.id };
      const position = await positionOf(db, row.id);
      await enqueueWaitlistEvent(db, joined(row, position));
      return { waitlistId: row.id, position, status: 'WAITING' as const };
    });
  } catch (err) {
    // Redis took the entry but PostgreSQL did not commit it: take it out of line again.
    const taken = joinedRedis as { tripId: number; waitlistId: string } | null;
    if (taken) await deps.seats.removeFromWaitlist(taken.tripId, taken.waitlistId, user.id).catch(() => undefined);
    throw err;
  }
}

function duplicate(): ConflictError {
  return new ConflictError('WAITLIST_DUPLICATE', 'You are already on the waitlist of this trip');
}

export async function listWaitlist(deps: BookingDeps, userId: string): Promise<WaitlistList> {
  return { items: (await listUserEntries(deps.pool, userId)).map(toEntryView) };
}

/** Leave the line (WAITING), or let an offer go (OFFERED: its seats go on to the next entry). Idempotent. */
export async function leaveWaitlist(deps: BookingDeps, user: AuthUser, waitlistId: string): Promise<LeaveWaitlistResponse> {
  const outcome = await withTransaction(deps.pool, async (db) => {
    const entry = await findEntry(db, waitlistId, { userId: user.id, forUpdate: true });
    if (!entry) throw new NotFoundError('Waitlist entry not found', 'WAITLIST_NOT_FOUND');
    if (entry.status === 'OFFERED') return { entry, release: true };
    const change = close(entry, 'left');
    if (change) await applyWaitlistChange(db, change);
    return { entry, release: false, removed: change !== null };
  });
  if (outcome.release) {
    // Releasing the offered booking ends the entry in the same transaction (bookings-repo follows it).
    await releaseBooking(deps, user, outcome.entry.offer_booking_id);
  } else if (outcome.removed) {
    await deps.seats.removeFromWaitlist(outcome.entry.trip_id, outcome.entry.id, outcome.entry.user_id);
  }
  return { waitlistId, status: 'LEFT' };
}
