/**
 * A trip's immutable sellable inventory from the train service, indexed for the hot path: station code ->
 * stop index, seat id -> seat, fares. Pure: building and querying a catalog does no I/O.
 */
import type { TripInventory } from '@rail/contracts/train-internal';
import type { BookedSeat } from '@rail/contracts/booking';
import type { SeatClass } from '@rail/contracts/common';
import { ValidationError } from '@rail/errors';
import { saleDateOf } from '@rail/queue-pass';
import { legMask, MAX_LEGS } from '../domain/legs.js';
import type { LayoutSeat } from '../redis/seat-inventory.js';

export interface TripCatalog {
  tripId: number;
  inventory: TripInventory;
  /** The sale (waiting room) the trip belongs to: its departure date in Asia/Dhaka (saleDateOf, @rail/queue-pass). */
  saleDate: string;
  stopIndex: Map<string, number>;
  seats: Map<number, BookedSeat>;
  seatIds: number[];
  legCount: number;
  /** Per class, its seats in the train's order (coach, row, column) with what allocation needs. */
  layouts: Map<SeatClass, LayoutSeat[]>;
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
  return {
    tripId: inventory.tripId,
    inventory,
    saleDate: saleDateOf(inventory.stops, inventory.date),
    stopIndex,
    seats,
    seatIds: [...seats.keys()],
    legCount,
    layouts: classLayouts(inventory),
  };
}

/**
 * The allocation layout of each class: seats by coach, row and column; the outermost columns of a coach are at
 * the windows, the others on the aisle, and the aisle runs down the middle (columns 1-2 | 3-4 of the train
 * service's 2+2 coaches), so seats side by side share a row group and an aisle side.
 */
export function classLayouts(inventory: TripInventory): Map<SeatClass, LayoutSeat[]> {
  const layouts = new Map<SeatClass, LayoutSeat[]>();
  let group = 0;
  for (const coach of inventory.coaches) {
    if (coach.seats.length === 0) continue;
    const columns = coach.seats.map((s) => s.column);
    const min = Math.min(...columns);
    const max = Math.max(...columns);
    const middle = (min + max) / 2;
    const ordered = [...coach.seats].sort((a, b) => a.row - b.row || a.column - b.column);
    const list = layouts.get(coach.class) ?? [];
    let row: number | undefined;
    for (const seat of ordered) {
      if (seat.row !== row) {
        row = seat.row;
        group++;
      }
      list.push({
        i: seat.seatId,
        k: coach.code,
        g: group,
        c: seat.column,
        w: seat.column === min || seat.column === max ? 1 : 0,
        a: seat.column <= middle ? 0 : 1,
      });
    }
    layouts.set(coach.class, list);
  }
  return layouts;
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
