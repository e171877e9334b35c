/**
 * A trip's sellable inventory for the booking service (TripInventory in @rail/contracts/train-internal):
 * stops, coaches, seats and fare matrices. Trips outside the sales window are returned too, so bookings
 * made earlier keep working on the day.
 */
import type { TripInventory } from '@rail/contracts/train-internal';
import type { UseCaseDeps } from '../deps.js';
import { requireTrip } from './get-trip.js';

export async function getTripInventory(deps: Pick<UseCaseDeps, 'catalog'>, tripId: number): Promise<TripInventory> {
  const view = await requireTrip(deps, tripId);
  return {
    tripId: view.tripId,
    date: view.date,
    trainNumber: view.train.number,
    trainName: view.train.name,
    stops: view.stops,
    coaches: view.train.coaches.map((c) => ({
      coachId: c.coachId,
      code: c.code,
      class: c.class,
      seats: c.seats.map(({ seatId, label, row, column }) => ({ seatId, label, row, column })),
    })),
    fares: view.train.fares,
  };
}
