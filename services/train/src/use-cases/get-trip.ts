/** A trip with its stops, times, classes and whole-route fares. */
import { NotFoundError } from '@rail/errors';
import type { TripDetail } from '@rail/contracts/train';
import type { UseCaseDeps } from '../deps.js';
import type { TripView } from '../catalog.js';

export async function requireTrip(deps: Pick<UseCaseDeps, 'catalog'>, tripId: number): Promise<TripView> {
  const view = await deps.catalog.trip(tripId);
  if (!view) throw new NotFoundError(`Trip ${tripId} does not exist`, 'TRIP_NOT_FOUND');
  return view;
}

export async function getTrip(deps: Pick<UseCaseDeps, 'catalog'>, tripId: number): Promise<TripDetail> {
  const view = await requireTrip(deps, tripId);
  const last = view.stops.length - 1;
  return {
    tripId: view.tripId,
    date: view.date,
    trainNumber: view.train.number,
    trainName: view.train.name,
    stops: view.stops,
    classes: view.train.classes.map((c) => ({ ...c, fare: view.train.fares[c.class]![0]![last]! })),
  };
}
