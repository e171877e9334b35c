/** Contract-valid trip inventories for tests and benchmarks: N stops, coaches x seats, fares per class. */
import { Value } from '@sinclair/typebox/value';
import { TripInventory } from '@rail/contracts/train-internal';
import type { SeatClass } from '@rail/contracts/common';

const STATIONS = [
  ['DHK', 'Dhaka'],
  ['BHB', 'Bhairab Bazar'],
  ['AKH', 'Akhaura'],
  ['CML', 'Cumilla'],
  ['CTG', 'Chattogram'],
  ['FEN', 'Feni'],
  ['SYL', 'Sylhet'],
];
const CLASSES: SeatClass[] = ['SHOVAN', 'S_CHAIR', 'SNIGDHA', 'AC_S', 'S_CHAIR'];
const COACH_CODES = ['KA', 'KHA', 'GA', 'GHA', 'UMA'];

export function makeInventory(
  tripId: number,
  options: { stops?: number; coaches?: number; seatsPerCoach?: number; start?: string } = {},
): TripInventory {
  const stopCount = options.stops ?? 5;
  const coachCount = options.coaches ?? 5;
  const perCoach = options.seatsPerCoach ?? 55;
  const start = Date.parse(options.start ?? '2026-04-01T06:00:00Z');
  const stops = STATIONS.slice(0, stopCount).map(([code, name], i) => ({
    code: code!,
    name: name!,
    arrival: i === 0 ? null : new Date(start + i * 3600_000).toISOString(),
    departure: i === stopCount - 1 ? null : new Date(start + i * 3600_000 + 300_000).toISOString(),
    distanceKm: i * 60,
  }));
  const coaches = Array.from({ length: coachCount }, (_, c) => ({
    coachId: tripId * 100 + c + 1,
    code: COACH_CODES[c % COACH_CODES.length]!,
    class: CLASSES[c % CLASSES.length]!,
    seats: Array.from({ length: perCoach }, (_, s) => ({
      seatId: tripId * 10_000 + c * 1000 + s + 1,
      label: `${COACH_CODES[c % COACH_CODES.length]}-${s + 1}`,
      row: Math.floor(s / 4) + 1,
      column: (s % 4) + 1,
    })),
  }));
  const fares: Record<string, number[][]> = {};
  for (const [k, cls] of [...new Set(CLASSES)].entries()) {
    fares[cls] = Array.from({ length: stopCount }, (_, i) =>
      Array.from({ length: stopCount }, (_, j) => (j > i ? (j - i) * (100 + 50 * k) : 0)),
    );
  }
  const inventory: TripInventory = {
    tripId,
    date: new Date(start).toISOString().slice(0, 10),
    trainNumber: `7${tripId % 100}`,
    trainName: 'Subarna Express',
    stops,
    coaches,
    fares,
  };
  if (!Value.Check(TripInventory, inventory)) throw new Error('fixture inventory does not match the contract');
  return inventory;
}

export function allSeatIds(inventory: TripInventory): number[] {
  return inventory.coaches.flatMap((c) => c.seats.map((s) => s.seatId));
}

/** The n-th seat id of a trip, counting through its coaches in order (n from 0). */
export function seatPicker(inventory: TripInventory): (n: number) => number {
  const ids = allSeatIds(inventory);
  return (n) => {
    const id = ids[n];
    if (id === undefined) throw new RangeError(`the fixture trip has ${ids.length} seats, not ${n + 1}`);
    return id;
  };
}
