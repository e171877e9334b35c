/**
 * The waiting room in front of the hot endpoints (select, both body forms, and confirm): while the room of a
 * trip's sale date is active they need a pass for that user and that date, else 403 QUEUE_REQUIRED naming the
 * room. Run after authentication and body validation, before the Idempotency-Key claim and anything that
 * writes, so a refused request changes nothing and its retry with a pass (same key) runs.
 *
 * Select names its trip, whose sale date (saleDateOf, @rail/queue-pass) comes with the in-process catalog (no I/O once the
 * trip is cached, and the select reads it anyway). Confirm names only a booking: while some room is active it reads that booking's
 * trip (one primary-key read, scoped to the caller), and with no room active anywhere it reads nothing. A
 * waitlist offer is an ordinary HELD booking, so confirming one needs a pass too while its date's room is
 * active (the traveller queues for one: load-testing/lib/rush.mjs does). docs/waiting-room.md, "Passes".
 */
import type { AuthUser } from '@rail/auth-verify';
import { queueRequired } from '@rail/queue-pass';
import { tripOfBooking } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import type { WaitingRoom } from '../waiting-room/waiting-room.js';

export async function requirePassForTrip(
  deps: BookingDeps,
  room: WaitingRoom,
  user: AuthUser,
  tripId: number,
  pass: string | undefined,
): Promise<void> {
  if (!room.anyActive()) return;
  const date = (await deps.inventories.get(tripId)).saleDate;
  const refusal = room.refusal(date, user.id, pass);
  if (refusal === null) return;
  deps.logger.debug({ tripId, date, refusal }, 'waiting room: no valid pass');
  throw queueRequired(date);
}

export async function requirePassForBooking(
  deps: BookingDeps,
  room: WaitingRoom,
  user: AuthUser,
  bookingId: string,
  pass: string | undefined,
): Promise<void> {
  if (!room.anyActive()) return;
  const tripId = await tripOfBooking(deps.pool, bookingId, user.id);
  // Not this user's booking, or none: the confirm answers 404 itself, pass or not.
  if (tripId === null) return;
  await requirePassForTrip(deps, room, user, tripId, pass);
}
