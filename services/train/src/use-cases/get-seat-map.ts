/**
 * The seat map of a trip for one segment: every coach and seat with its status for [from, to). The map is
 * advisory (the seat select decides), so when the booking service is slow or down the last good statuses
 * are served, marked stale; only when nothing recent is known is the answer 503 (try again).
 */
import { ServiceUnavailableError, ValidationError } from '@rail/errors';
import type { SeatStatus } from '@rail/contracts/common';
import type { SeatMap, SeatMapQuery } from '@rail/contracts/train';
import type { UseCaseDeps } from '../deps.js';
import { matchStation } from '../domain/station-match.js';
import { requireTrip } from './get-trip.js';

export async function getSeatMap(
  deps: Pick<UseCaseDeps, 'catalog' | 'availability'>,
  tripId: number,
  query: SeatMapQuery,
): Promise<SeatMap> {
  const view = await requireTrip(deps, tripId);
  const stopAt = (field: 'from' | 'to', text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const match = matchStation(view.stops, text);
    if (!match) throw ValidationError.field(`query.${field}`, `${text} is not a stop of this trip`, 'NOT_A_STOP');
    return view.stops.indexOf(match);
  };
  const fromIndex = stopAt('from', query.from, 0);
  const toIndex = stopAt('to', query.to, view.stops.length - 1);
  if (fromIndex >= toIndex) {
    throw ValidationError.field(
      'query.to',
      `This train does not run from ${view.stops[fromIndex]!.name} to ${view.stops[toIndex]!.name}`,
      'NO_ROUTE',
    );
  }
  const from = view.stops[fromIndex]!.code;
  const to = view.stops[toIndex]!.code;

  const [status] = await deps.availability.lookup([{ tripId, from, to }]);
  if (!status) {
    throw new ServiceUnavailableError(
      'Seat availability is temporarily unavailable; try again shortly',
      2,
      'AVAILABILITY_UNAVAILABLE',
    );
  }
  const held = new Set(status.held);
  const booked = new Set(status.booked);
  const statusOf = (seatId: number): SeatStatus => (booked.has(seatId) ? 'booked' : held.has(seatId) ? 'held' : 'available');

  return {
    tripId,
    from,
    to,
    availability: status.stale ? 'stale' : 'live',
    availabilityAgeMs: Math.max(0, Date.now() - status.asOf),
    coaches: view.train.coaches.map((coach) => ({
      coachId: coach.coachId,
      code: coach.code,
      class: coach.class,
      fare: view.train.fares[coach.class]![fromIndex]![toIndex]!,
      seats: coach.seats.map((seat) => ({ ...seat, status: statusOf(seat.seatId) })),
    })),
  };
}
