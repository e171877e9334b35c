/**
 * The one home of the SQL on `bookings` and `booking_seats`: inserts, status changes (each applied with
 * the event the domain returned for it, in the caller's transaction), the expiry statements, reads, and
 * the mapping of rows to API views and Redis entries.
 */
import type { PoolClient, Queryable } from '@rail/db';
import type { BookingStatus, BookingView } from '@rail/contracts/booking';
import { enqueueEvent, outboxInsert, type EventHeaders } from '@rail/messaging';
import { ACTIVE_STATUSES, EXPIRING_STATUSES, targetOf } from '../domain/booking-state.js';
import {
  expire,
  hold,
  type Booking,
  type BookingChanges,
  type BookingEvent,
  type Change,
  type NewHold,
} from '../domain/booking.js';
import { legMask } from '../domain/legs.js';
import type { BookingEntry, SeatState } from '../redis/seat-inventory.js';
import { followOfferedBooking } from './waitlist-repo.js';

export type { Booking } from '../domain/booking.js';

const SEATS_JSON = `(SELECT json_agg(json_build_object('seatId', s.seat_id, 'label', s.label, 'coach', s.coach, 'class', s.class) ORDER BY s.seat_id)
     FROM booking_seats s WHERE s.booking_id = b.id)`;
const BOOKING_COLUMNS = `b.*, COALESCE(b.expires_at <= now(), false) AS overdue, ${SEATS_JSON} AS seats`;

/** One booking; `forUpdate` locks it for the caller's transaction. `userId` scopes it to its owner. */
export async function findBooking(
  db: Queryable,
  id: string,
  options: { userId?: string; forUpdate?: boolean } = {},
): Promise<Booking | null> {
  const params: unknown[] = [id];
  let where = 'b.id = $1';
  if (options.userId !== undefined) {
    params.push(options.userId);
    where += ' AND b.user_id = $2';
  }
  const { rows } = await db.query<Booking>(
    `SELECT ${BOOKING_COLUMNS} FROM bookings b WHERE ${where}${options.forUpdate ? ' FOR UPDATE OF b' : ''}`,
    params,
  );
  return rows[0] ?? null;
}

/** The trip of one of a user's bookings (null: none of theirs), for the waiting room's check before confirm. */
export async function tripOfBooking(db: Queryable, id: string, userId: string): Promise<number | null> {
  const { rows } = await db.query<{ trip_id: number }>('SELECT trip_id FROM bookings WHERE id = $1 AND user_id = $2', [
    id,
    userId,
  ]);
  return rows[0]?.trip_id ?? null;
}

/** Just the status (null: no such booking), for logs that need no lock. */
export async function findStatus(db: Queryable, id: string): Promise<BookingStatus | null> {
  const { rows } = await db.query<{ status: BookingStatus }>('SELECT status FROM bookings WHERE id = $1', [id]);
  return rows[0]?.status ?? null;
}

/** A user's bookings newest first, `limit` of them after the (created_at, id) cursor if given. */
export async function listUserBookings(
  db: Queryable,
  userId: string,
  limit: number,
  after?: { createdAt: string; id: string },
): Promise<Booking[]> {
  const params: unknown[] = [userId, limit];
  let cursor = '';
  if (after) {
    params.push(after.createdAt, after.id);
    cursor = 'AND (b.created_at, b.id) < ($3::timestamptz, $4::uuid)';
  }
  const { rows } = await db.query<Booking>(
    `SELECT ${BOOKING_COLUMNS} FROM bookings b WHERE b.user_id = $1 ${cursor} ORDER BY b.created_at DESC, b.id DESC LIMIT $2`,
    params,
  );
  return rows;
}

/** Trips that have active bookings (what the audit command checks by default). */
export async function activeTripIds(db: Queryable): Promise<number[]> {
  const { rows } = await db.query<{ trip_id: number }>(
    `SELECT DISTINCT trip_id FROM bookings WHERE status = ANY($1::text[]) ORDER BY trip_id`,
    [ACTIVE_STATUSES],
  );
  return rows.map((r) => r.trip_id);
}

async function enqueue(db: Queryable, event: BookingEvent, headers: EventHeaders = {}): Promise<void> {
  await enqueueEvent(db, event.type, event.data, headers);
}

/**
 * Inserts the HELD booking, its seat-legs and booking.held in ONE statement (data-modifying CTEs): atomic on its
 * own, so a caller with nothing else to write runs it without BEGIN/COMMIT (one round trip instead of four, on
 * every winning select). The exclusion constraint on the seat-legs refuses the whole statement.
 */
export async function insertHold(db: Queryable, h: NewHold, expiresAt: Date, waitlistId: string | null = null): Promise<void> {
  const held = hold(h, expiresAt);
  const event = outboxInsert(held.event.type, held.event.data, {}, 19);
  // A named (prepared) statement: each connection parses and plans it once, not on every winning select.
  await db.query({
    name: 'booking-insert-hold',
    text: `WITH b AS (
       INSERT INTO bookings (id, user_id, trip_id, from_code, to_code, from_index, to_index, status, amount, expires_at,
                             contact_phone, contact_email, contact_name, waitlist_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $18) RETURNING id),
     s AS (
       INSERT INTO booking_seats (booking_id, trip_id, seat_id, legs, label, coach, class)
       SELECT b.id, $3, s.seat_id, int4range($6, $7), s.label, s.coach, s.class
         FROM b, unnest($14::int[], $15::text[], $16::text[], $17::text[]) AS s(seat_id, label, coach, class)),
     e AS (${event.sql})
     SELECT 1`,
    values: [
      h.bookingId,
      h.userId,
      h.tripId,
      h.segment.from,
      h.segment.to,
      h.segment.fromIndex,
      h.segment.toIndex,
      held.to,
      h.amount,
      expiresAt.toISOString(),
      h.contact.phone ?? null,
      h.contact.email ?? null,
      h.contact.name ?? null,
      h.seats.map((s) => s.seatId),
      h.seats.map((s) => s.label),
      h.seats.map((s) => s.coach),
      h.seats.map((s) => s.class),
      waitlistId,
      ...event.params,
    ],
  });
}

/** The columns a change may set; a change naming any other is a bug, refused before it reaches SQL. */
const CHANGE_COLUMNS: Record<keyof BookingChanges, (value: unknown) => unknown> = {
  passengers: (v) => JSON.stringify(v),
  otp_hash: (v) => v,
  otp_attempts: (v) => v,
  otp_sends: (v) => v,
  contact_phone: (v) => v,
  payment_id: (v) => v,
  reference: (v) => v,
  expires_at: (v) => v,
  cancel_reason: (v) => v,
};

/**
 * Applies a change the domain returned (status and columns) and enqueues its event, both in the caller's
 * transaction, so the event exists exactly when the change committed. A change that sets nothing (a refund
 * request) only enqueues.
 */
export async function applyChange(db: Queryable, change: Change, headers: EventHeaders = {}): Promise<void> {
  const columns = Object.entries(change.changes) as [keyof BookingChanges, unknown][];
  if (change.to !== change.from || columns.length > 0) {
    const values = columns.map(([column, value]) => {
      const encode = CHANGE_COLUMNS[column];
      if (!encode) throw new Error(`a booking change cannot set ${String(column)}`);
      return encode(value);
    });
    const sets = columns.map(([column], i) => `, ${column} = $${i + 3}`).join('');
    const { rows } = await db.query<{ waitlist_id: string | null; cancel_reason: string | null }>(
      `UPDATE bookings SET status = $2, updated_at = now()${sets} WHERE id = $1 RETURNING waitlist_id, cancel_reason`,
      [change.bookingId, change.to, ...values],
    );
    // A waitlist offer that is paid, released or expires: its entry follows in this transaction.
    const row = rows[0];
    if (row?.waitlist_id && change.to !== change.from)
      await followOfferedBooking(db, row.waitlist_id, change.to, row.cancel_reason);
  }
  if (change.event) await enqueue(db, change.event, headers);
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === '23505';
}

/**
 * applyChange for a change that carries a fresh unique value (a booking reference): a (rare) collision
 * rolls back to a savepoint and applies the change `build` makes next, without aborting the transaction.
 */
export async function applyChangeWithUniqueRetry<C extends Change>(
  db: PoolClient,
  build: () => C,
  headers: EventHeaders = {},
  attempts = 6,
): Promise<C> {
  for (let attempt = 1; ; attempt++) {
    const change = build();
    await db.query('SAVEPOINT booking_change');
    try {
      await applyChange(db, change, headers);
      await db.query('RELEASE SAVEPOINT booking_change');
      return change;
    } catch (err) {
      await db.query('ROLLBACK TO SAVEPOINT booking_change');
      if (!isUniqueViolation(err) || attempt >= attempts) throw err;
    }
  }
}

/** What an expiry statement hands back: enough to build booking.expired and free the seats in Redis. */
export type ExpiredBooking = Pick<Booking, 'id' | 'user_id' | 'trip_id' | 'from_code' | 'to_code' | 'status' | 'seats'>;

/**
 * The expiry of many bookings in one statement: `due` selects (and locks) the rows, the UPDATE applies the
 * state machine's expire to them, and each row's booking.expired comes from the domain's expire(), built
 * from the status it had (`due.status`).
 */
async function expireDue(db: Queryable, due: string, params: unknown[]): Promise<ExpiredBooking[]> {
  const { rows } = await db.query<ExpiredBooking & { waitlist_id: string | null }>(
    `WITH due AS (${due})
     UPDATE bookings b SET status = $2, updated_at = now() FROM due WHERE b.id = due.id
     RETURNING b.id, b.user_id, b.trip_id, b.from_code, b.to_code, due.status, b.waitlist_id, ${SEATS_JSON} AS seats`,
    [EXPIRING_STATUSES, targetOf('expire'), ...params],
  );
  for (const row of rows) {
    const change = expire(row);
    if (change) await enqueue(db, change.event);
    // An expired waitlist offer: the entry is EXPIRED (its seats go on to the next entry in Redis).
    if (row.waitlist_id) await followOfferedBooking(db, row.waitlist_id, 'EXPIRED', null);
  }
  return rows;
}

/** Claims up to `limit` overdue holds (SKIP LOCKED, so replicas share the work) and expires them. */
export async function expireOverdue(db: Queryable, limit: number): Promise<ExpiredBooking[]> {
  return expireDue(
    db,
    `SELECT b.id, b.status FROM bookings b WHERE b.status = ANY($1::text[]) AND b.expires_at <= now()
      ORDER BY b.expires_at LIMIT $3 FOR UPDATE OF b SKIP LOCKED`,
    [limit],
  );
}

/** Expires the holds on a new hold's seat-legs whose time ran out by `asOf` (Redis's clock), so it fits. */
export async function expireOverlapping(db: Queryable, h: NewHold, asOf: Date): Promise<ExpiredBooking[]> {
  return expireDue(
    db,
    `SELECT b.id, b.status FROM bookings b
      WHERE b.id IN (SELECT s.booking_id FROM booking_seats s
                      WHERE s.trip_id = $3 AND s.seat_id = ANY($4::int[]) AND s.active AND s.legs && int4range($5, $6))
        AND b.status = ANY($1::text[]) AND b.expires_at <= $7
      FOR UPDATE OF b`,
    [h.tripId, h.seats.map((s) => s.seatId), h.segment.fromIndex, h.segment.toIndex, asOf.toISOString()],
  );
}

/**
 * Records that a refund was requested for a payment; false when it already was (a second payment.succeeded
 * event for the same payment has another event id, so the consumer's own dedupe does not catch it).
 */
export async function claimRefund(db: Queryable, paymentId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO processed_events (consumer, event_id) VALUES ('booking.refund-requested', $1) ON CONFLICT DO NOTHING`,
    [paymentId],
  );
  return rowCount !== 0;
}

export function toView(row: Booking): BookingView {
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
    ...(row.waitlist_id ? { waitlistId: row.waitlist_id } : {}),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

const STATE: Partial<Record<BookingStatus, SeatState>> = { HELD: 'H', PENDING_PAYMENT: 'P', CONFIRMED: 'C' };

/** The Redis entry for an active booking row (status HELD, PENDING_PAYMENT or CONFIRMED). */
export function toEntry(
  row: Pick<Booking, 'id' | 'user_id' | 'status' | 'from_index' | 'to_index' | 'expires_at' | 'from_code' | 'to_code'> & {
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

export function entryOf(row: Booking): BookingEntry {
  return toEntry({ ...row, seat_ids: row.seats.map((s) => s.seatId) });
}

/** What Redis needs to free a booking's seats. */
export function releaseEntry(row: Pick<Booking, 'id' | 'user_id' | 'seats' | 'from_code' | 'to_code'>): {
  bookingId: string;
  userId: string;
  seatIds: number[];
  from: string;
  to: string;
} {
  return {
    bookingId: row.id,
    userId: row.user_id,
    seatIds: row.seats.map((s) => s.seatId),
    from: row.from_code,
    to: row.to_code,
  };
}

/** Active rows of a trip as Redis entries: confirmed ones, and holds not yet past their time. */
export async function activeEntries(db: Queryable, tripId: number, seatIds?: number[]): Promise<BookingEntry[]> {
  const params: unknown[] = [tripId];
  let seatFilter = '';
  if (seatIds) {
    params.push(seatIds);
    seatFilter = 'AND b.id IN (SELECT booking_id FROM booking_seats WHERE trip_id = $1 AND seat_id = ANY($2::int[]) AND active)';
  }
  const { rows } = await db.query<Booking & { seat_ids: number[] }>(
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
