/**
 * "Pick for me": hold `count` seats of a class for a segment, chosen by the hold step itself
 * (seat-allocate.lua): side by side in one row when asked (or, by default for more than one seat, when a row
 * allows), else the nearest free ones, honouring a window/aisle preference where it can; all or nothing,
 * within the per-user limit. Winners go through the same commit as a select by seat ids (commit-hold.ts);
 * when PostgreSQL refuses (Redis was behind it), the seats are resynced and the choice is made once more.
 */
import { randomUUID } from 'node:crypto';
import type { AuthUser } from '@rail/auth-verify';
import type { AllocateSeatsBody, SelectSeatsResponse } from '@rail/contracts/booking';
import { ConflictError, ValidationError } from '@rail/errors';
import type { BookingDeps } from '../deps.js';
import { toContact, type NewHold } from '../domain/booking.js';
import { fareFor, resolveSeats, resolveSegment, type Segment, type TripCatalog } from '../inventory/trip-catalog.js';
import type { AllocateResult } from '../redis/seat-inventory.js';
import { commitHold, holdResponse, placeOnLoadedTrip, tripRebuilding } from './commit-hold.js';
import { limitExceeded, seatsTaken } from './select-seats.js';

export async function allocateSeats(deps: BookingDeps, user: AuthUser, body: AllocateSeatsBody): Promise<SelectSeatsResponse> {
  const catalog = await deps.inventories.get(body.tripId);
  const segment = resolveSegment(catalog, body.from, body.to);
  checkClassAndCoach(catalog, body);
  for (let attempt = 1; ; attempt++) {
    const bookingId = randomUUID();
    const result = await allocateInRedis(deps, catalog, segment, user.id, bookingId, body);
    switch (result.kind) {
      case 'not-enough':
        throw notEnoughSeats(body.count, result.seatsLeft);
      case 'apart':
        throw new ConflictError('SEATS_NOT_TOGETHER', `No row has ${body.count} free seats side by side`, {
          seatsLeft: result.seatsLeft,
          together: false,
        });
      case 'limit':
        throw limitExceeded(deps, result.used);
      case 'not-loaded':
      case 'no-layout':
        throw tripRebuilding();
      case 'held':
        break;
    }
    const seats = resolveSeats(catalog, result.seatIds);
    const hold: NewHold = {
      bookingId,
      userId: user.id,
      contact: toContact(user),
      tripId: body.tripId,
      segment,
      seats,
      amount: fareFor(catalog, seats, segment),
    };
    const outcome = await commitHold(deps, hold, result);
    if (outcome.kind === 'committed') return holdResponse(hold, result.expiresAtMs);
    // Redis was behind PostgreSQL on these seats; commitHold has copied PostgreSQL's truth back: choose again, once.
    if (attempt >= 2) throw seatsTaken(outcome.taken.length > 0 ? outcome.taken : result.seatIds);
  }
}

export function notEnoughSeats(count: number, seatsLeft: number): ConflictError {
  return new ConflictError(
    'NOT_ENOUGH_SEATS',
    seatsLeft === 0
      ? 'No seats of this class are left for this journey'
      : `Only ${seatsLeft} seats of this class are left for this journey`,
    { seatsLeft, requested: count },
  );
}

function checkClassAndCoach(catalog: TripCatalog, body: Pick<AllocateSeatsBody, 'class' | 'coach'>): void {
  const layout = catalog.layouts.get(body.class);
  if (!layout) throw ValidationError.field('body.class', `this trip has no ${body.class} seats`, 'CLASS_NOT_ON_TRIP');
  if (body.coach !== undefined && !layout.some((s) => s.k === body.coach)) {
    throw ValidationError.field('body.coach', `this trip has no ${body.class} coach ${body.coach}`, 'COACH_NOT_ON_TRIP');
  }
}

/** The allocation script's call, writing the trip's layouts first when Redis does not have them. */
async function allocateInRedis(
  deps: BookingDeps,
  catalog: TripCatalog,
  segment: Segment,
  userId: string,
  bookingId: string,
  body: AllocateSeatsBody,
): Promise<AllocateResult> {
  const together = body.together === true ? 'yes' : body.together === false || body.count === 1 ? 'no' : 'auto';
  const place = (): Promise<AllocateResult> =>
    placeOnLoadedTrip(deps, body.tripId, () =>
      deps.seats.allocate({
        tripId: body.tripId,
        bookingId,
        userId,
        mask: segment.mask,
        ttlMs: deps.settings.holdTtlSeconds * 1000,
        limit: deps.settings.maxSeatsPerUser,
        from: segment.from,
        to: segment.to,
        seatClass: body.class,
        count: body.count,
        together,
        preference: body.preference ?? '',
        coach: body.coach ?? '',
      }),
    );
  const result = await place();
  if (result.kind !== 'no-layout') return result;
  await deps.seats.writeLayout(body.tripId, catalog.layouts);
  return place();
}
