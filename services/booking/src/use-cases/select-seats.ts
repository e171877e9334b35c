/**
 * The hot path: hold 1-4 chosen seats for a journey segment. Redis decides in one atomic script (losers get
 * 409 without touching PostgreSQL); winners are written to PostgreSQL by commit-hold.ts, where the exclusion
 * constraint is the final arbiter.
 */
import { randomUUID } from 'node:crypto';
import type { AuthUser } from '@rail/auth-verify';
import type { SelectSeatIdsBody, SelectSeatsResponse } from '@rail/contracts/booking';
import { ConflictError } from '@rail/errors';
import type { BookingDeps } from '../deps.js';
import { toContact, type NewHold } from '../domain/booking.js';
import { fareFor, resolveSeats, resolveSegment } from '../inventory/trip-catalog.js';
import { commitHold, holdResponse, placeOnLoadedTrip, tripRebuilding } from './commit-hold.js';

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
  const result = await placeOnLoadedTrip(deps, hold.tripId, () =>
    deps.seats.hold({
      tripId: hold.tripId,
      bookingId: hold.bookingId,
      userId: hold.userId,
      seatIds: hold.seats.map((s) => s.seatId),
      mask: hold.segment.mask,
      ttlMs: deps.settings.holdTtlSeconds * 1000,
      limit: deps.settings.maxSeatsPerUser,
      from: hold.segment.from,
      to: hold.segment.to,
    }),
  );
  switch (result.kind) {
    case 'taken':
      throw seatsTaken(result.seatIds);
    case 'limit':
      throw limitExceeded(deps, result.used);
    case 'not-loaded':
      throw tripRebuilding();
    case 'held':
      break;
  }
  const outcome = await commitHold(deps, hold, result);
  if (outcome.kind === 'refused') throw seatsTaken(outcome.taken.length > 0 ? outcome.taken : hold.seats.map((s) => s.seatId));
  return holdResponse(hold, result.expiresAtMs);
}

export function seatsTaken(seatIds: number[]): ConflictError {
  return new ConflictError('SEAT_UNAVAILABLE', 'Some of these seats are already taken for this journey', { seatIds });
}

export function limitExceeded(deps: BookingDeps, used: number): ConflictError {
  return new ConflictError('LIMIT_EXCEEDED', `At most ${deps.settings.maxSeatsPerUser} seats per person per trip`, {
    limit: deps.settings.maxSeatsPerUser,
    alreadyHeld: used,
  });
}
