/**
 * A trip's immutable sellable inventory from the train service, indexed for the hot path: station code ->
 * stop index, seat id -> seat, fares. Pure: building and querying a catalog does no I/O.
 */
import type { TripInventory } from '@rail/contracts/train-internal';
import type { BookedSeat } from '@rail/contracts/booking';
import { ValidationError } from '@rail/errors';
import { legMask, MAX_LEGS } from '../domain/legs.js';

export interface TripCatalog {
  tripId: number;
  inventory: TripInventory;
  stopIndex: Map<string, number>;
  seats: Map<number, BookedSeat>;
  seatIds: number[];
  legCount: number;
}

export interface Segment {
  from: string;
  to: string;
  fromIndex: number;
  toIndex: number;
  mask: number;
}

export function buildCatalog(inventory: TripInventory): TripCatalog {
  const legCount = inventory.stops.length - 1;
  if (legCount > MAX_LEGS) throw new Error(`trip ${inventory.tripId} has ${legCount} legs; at most ${MAX_LEGS} are supported`);
  const stopIndex = new Map(inventory.stops.map((s, i) => [s.code, i]));
  const seats = new Map<number, BookedSeat>();
  for (const coach of inventory.coaches) {
    for (const seat of coach.seats)
      seats.set(seat.seatId, { seatId: seat.seatId, label: seat.label, coach: coach.code, class: coach.class });
  }
  return { tripId: inventory.tripId, inventory, stopIndex, seats, seatIds: [...seats.keys()], legCount };
}

/** Resolves station codes to a segment; omitted codes mean the route's ends. Field names are for the 400. */
export function resolveSegment(
  catalog: TripCatalog,
  from: string | undefined,
  to: string | undefined,
  fields: { from: string; to: string } = { from: 'body.from', to: 'body.to' },
): Segment {
  const stops = catalog.inventory.stops;
  const fromCode = from ?? stops[0]!.code;
  const toCode = to ?? stops[stops.length - 1]!.code;
  const fromIndex = catalog.stopIndex.get(fromCode);
  const toIndex = catalog.stopIndex.get(toCode);
  if (fromIndex === undefined)
    throw ValidationError.field(fields.from, `${fromCode} is not a stop of this trip`, 'STATION_NOT_ON_ROUTE');
  if (toIndex === undefined)
    throw ValidationError.field(fields.to, `${toCode} is not a stop of this trip`, 'STATION_NOT_ON_ROUTE');
  if (toIndex <= fromIndex)
    throw ValidationError.field(fields.to, `${toCode} does not come after ${fromCode} on this trip`, 'WRONG_DIRECTION');
  return { from: fromCode, to: toCode, fromIndex, toIndex, mask: legMask(fromIndex, toIndex) };
}

export function resolveSeats(catalog: TripCatalog, seatIds: number[]): BookedSeat[] {
  const unknown = seatIds.filter((id) => !catalog.seats.has(id));
  if (unknown.length > 0) {
    throw new ValidationError(
      `Seats ${unknown.join(', ')} are not on trip ${catalog.tripId}`,
      [{ field: 'body.seatIds', message: `not seats of this trip: ${unknown.join(', ')}` }],
      'UNKNOWN_SEAT',
    );
  }
  return seatIds.map((id) => catalog.seats.get(id)!);
}

/** Sum of the per-seat fares of each seat's class for the segment, in whole taka. */
export function fareFor(catalog: TripCatalog, seats: BookedSeat[], segment: Segment): number {
  let total = 0;
  for (const seat of seats) {
    const fare = catalog.inventory.fares[seat.class]?.[segment.fromIndex]?.[segment.toIndex];
    if (fare === undefined) throw new Error(`trip ${catalog.tripId} has no ${seat.class} fare for ${segment.from}-${segment.to}`);
    total += fare;
  }
  return total;
}
