/** SQL for bookings: row shapes, reads, and mapping rows to API views and Redis entries. */
import type { Queryable } from '@rail/db';
import type { BookedSeat, BookingStatus, BookingView, Passenger } from '@rail/contracts/booking';
import { legMask } from '../domain/legs.js';
import type { BookingEntry, SeatState } from '../redis/seat-inventory.js';

export interface BookingRow {
  id: string;
  user_id: string;
  trip_id: number;
  from_code: string;
  to_code: string;
  from_index: number;
  to_index: number;
  status: BookingStatus;
  amount: number;
  expires_at: Date | null;
  contact_phone: string | null;
  contact_email: string | null;
  contact_name: string | null;
  passengers: Passenger[];
  otp_hash: string | null;
  otp_attempts: number;
  otp_sends: number;
  payment_id: string | null;
  reference: string | null;
  cancel_reason: string | null;
  created_at: Date;
  updated_at: Date;
  seats: BookedSeat[];
  /** expires_at <= now() by the database clock. */
  overdue: boolean;
}

export const BOOKING_COLUMNS = `b.*, COALESCE(b.expires_at <= now(), false) AS overdue,
  (SELECT json_agg(json_build_object('seatId', s.seat_id, 'label', s.label, 'coach', s.coach, 'class', s.class) ORDER BY s.seat_id)
     FROM booking_seats s WHERE s.booking_id = b.id) AS seats`;

/** One booking; `forUpdate` locks it for the caller's transaction. `userId` scopes it to its owner. */
export async function findBooking(
  db: Queryable,
  id: string,
  options: { userId?: string; forUpdate?: boolean } = {},
): Promise<BookingRow | null> {
  const params: unknown[] = [id];
  let where = 'b.id = $1';
  if (options.userId !== undefined) {
    params.push(options.userId);
    where += ' AND b.user_id = $2';
  }
  const { rows } = await db.query<BookingRow>(
    `SELECT ${BOOKING_COLUMNS} FROM bookings b WHERE ${where}${options.forUpdate ? ' FOR UPDATE OF b' : ''}`,
    params,
  );
  return rows[0] ?? null;
}

export async function setStatus(
  db: Queryable,
  id: string,
  status: BookingStatus,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const columns = Object.keys(extra);
  const sets = columns.map((c, i) => `${c} = $${i + 3}`);
  await db.query(`UPDATE bookings SET status = $2, updated_at = now()${sets.map((s) => ', ' + s).join('')} WHERE id = $1`, [
    id,
    status,
    ...columns.map((c) => extra[c]),
  ]);
}

export function toView(row: BookingRow): BookingView {
  return {
    bookingId: row.id,
    status: row.status,
    tripId: row.trip_id,
    from: row.from_code,
    to: row.to_code,
    seats: row.seats ?? [],
    passengers: row.passengers ?? [],
    amount: row.amount,
    currency: 'BDT',
    expiresAt: row.expires_at ? row.expires_at.toISOString() : null,
    reference: row.reference,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const STATE: Partial<Record<BookingStatus, SeatState>> = { HELD: 'H', PENDING_PAYMENT: 'P', CONFIRMED: 'C' };

/** The Redis entry for an active booking row (status HELD, PENDING_PAYMENT or CONFIRMED). */
export function toEntry(
  row: Pick<BookingRow, 'id' | 'user_id' | 'status' | 'from_index' | 'to_index' | 'expires_at' | 'from_code' | 'to_code'> & {
    seat_ids: number[];
  },
): BookingEntry {
  const state = STATE[row.status];
  if (!state) throw new Error(`booking ${row.id} is ${row.status}, not active`);
  return {
    bookingId: row.id,
    userId: row.user_id,
    seatIds: row.seat_ids,
    mask: legMask(row.from_index, row.to_index),
    expiresAtMs: state === 'C' ? 0 : (row.expires_at?.getTime() ?? 0),
    state,
    from: row.from_code,
    to: row.to_code,
  };
}

export function entryOf(row: BookingRow): BookingEntry {
  return toEntry({ ...row, seat_ids: row.seats.map((s) => s.seatId) });
}

/** Active rows of a trip as Redis entries: confirmed ones, and holds not yet past their time. */
export async function activeEntries(db: Queryable, tripId: number, seatIds?: number[]): Promise<BookingEntry[]> {
  const params: unknown[] = [tripId];
  let seatFilter = '';
  if (seatIds) {
    params.push(seatIds);
    seatFilter = 'AND b.id IN (SELECT booking_id FROM booking_seats WHERE trip_id = $1 AND seat_id = ANY($2::int[]) AND active)';
  }
  const { rows } = await db.query<BookingRow & { seat_ids: number[] }>(
    `SELECT b.id, b.user_id, b.status, b.from_index, b.to_index, b.expires_at, b.from_code, b.to_code,
            (SELECT array_agg(s.seat_id ORDER BY s.seat_id) FROM booking_seats s WHERE s.booking_id = b.id) AS seat_ids
       FROM bookings b
      WHERE b.trip_id = $1 AND (b.status = 'CONFIRMED' OR (b.status IN ('HELD', 'PENDING_PAYMENT') AND b.expires_at > now())) ${seatFilter}`,
    params,
  );
  return rows.map(toEntry);
}

export function isExclusionViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === '23P01';
}
