/**
 * Seats left of a sale (every trip of one date) for the queue service's admission job (SaleSeatsResponse): a seat
 * counts while at least one leg of its trip is neither held nor booked, so a seat sold Dhaka→Bhairab is still left
 * for Bhairab→Chattogram. Each leg of each trip is asked of booking as one segment, in one batched lookup (the
 * availability source's cache and batching); null when booking cannot say now (a stale answer is not a count).
 * Asked every few seconds per active room, so an answer is kept briefly in the shared cache; an unknown one is
 * not, so the count comes back as soon as booking does.
 */
import type { SaleSeatsResponse } from '@rail/contracts/queue';
import type { SegmentQuery } from '../availability/booking-availability.js';
import type { TripView } from '../catalog.js';
import type { UseCaseDeps } from '../deps.js';

type Deps = Pick<UseCaseDeps, 'catalog' | 'availability' | 'cache' | 'saleSeatsCacheTtlMs'>;

const legsOf = (trip: TripView): SegmentQuery[] =>
  trip.stops.slice(1).map((stop, i) => ({ tripId: trip.tripId, from: trip.stops[i]!.code, to: stop.code }));

const seatIdsOf = (trip: TripView): number[] => trip.train.coaches.flatMap((coach) => coach.seats.map((seat) => seat.seatId));

async function countSaleSeats(deps: Deps, date: string): Promise<SaleSeatsResponse> {
  const trips = await deps.catalog.tripsOn(date);
  const seatsTotal = trips.reduce((n, trip) => n + seatIdsOf(trip).length, 0);
  const legs = trips.map(legsOf);
  const answers = await deps.availability.lookup(legs.flat());
  if (answers.some((answer) => answer === null || answer.stale))
    return { date, trips: trips.length, seatsTotal, seatsLeft: null };

  let seatsLeft = 0;
  let next = 0;
  for (const [t, trip] of trips.entries()) {
    // Seats taken on every leg so far; what is left of the trip is every other seat.
    let takenEverywhere: Set<number> | undefined;
    for (let leg = 0; leg < legs[t]!.length; leg++) {
      const answer = answers[next++]!;
      const taken = new Set([...answer.held, ...answer.booked]);
      takenEverywhere = new Set([...(takenEverywhere ?? taken)].filter((seatId) => taken.has(seatId)));
    }
    seatsLeft += seatIdsOf(trip).filter((seatId) => !takenEverywhere?.has(seatId)).length;
  }
  return { date, trips: trips.length, seatsTotal, seatsLeft };
}

export async function getSaleSeats(deps: Deps, date: string): Promise<SaleSeatsResponse> {
  const key = `sale-seats:${date}`;
  const ttlMs = deps.saleSeatsCacheTtlMs;
  if (ttlMs > 0) {
    const [hit] = await deps.cache.getMany<SaleSeatsResponse>([key]);
    if (hit) return hit;
  }
  const answer = await countSaleSeats(deps, date);
  if (answer.seatsLeft !== null) deps.cache.setMany([[key, answer]], ttlMs);
  return answer;
}
