/** The seat plan of a coach: rows of 2 + 2 seats across an aisle, numbered front to back. */

export interface SeatPlace {
  number: number;
  row: number;
  column: number;
  position: 'window' | 'aisle';
}

export const SEATS_PER_ROW = 4;

/** Seats 1..count; columns 1 and 4 are at the windows, 2 and 3 on the aisle; the last row may be short. */
export function seatPlan(count: number): SeatPlace[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`invalid seat count ${count}`);
  return Array.from({ length: count }, (_, i) => {
    const column = (i % SEATS_PER_ROW) + 1;
    return {
      number: i + 1,
      row: Math.floor(i / SEATS_PER_ROW) + 1,
      column,
      position: column === 1 || column === SEATS_PER_ROW ? 'window' : 'aisle',
    };
  });
}
