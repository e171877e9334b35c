/**
 * The one home of the SQL on `waitlist_entries`: joins, state changes (each with the event the domain
 * returned, in the caller's transaction), positions, and what the rebuild and the cut-off job read.
 */
import type { WaitlistEntryView } from '@rail/contracts/booking';
import type { Queryable } from '@rail/db';
import { enqueueEvent } from '@rail/messaging';
import { close, reasonForBooking, type WaitlistChange, type WaitlistEntryRow, type WaitlistEvent } from '../domain/waitlist.js';
import { legMask } from '../domain/legs.js';
import type { WaitlistEntry } from '../redis/seat-inventory.js';

export type { WaitlistEntryRow } from '../domain/waitlist.js';

const COLUMNS = `w.*, w.trip_date::text AS trip_date`;

export interface NewWaitlistEntry {
  id: string;
  userId: string;
  tripId: number;
  from: string;
  to: string;
  fromIndex: number;
  toIndex: number;
  seatClass: string;
  count: number;
  offerBookingId: string;
  contact: { phone?: string; email?: string; name?: string };
  trainName: string;
  trainNumber: string;
  date: string;
  departsAt: string | null;
}

export function isOneEntryViolation(err: unknown): boolean {
  const e = err as { code?: string; constraint?: string } | null;
  return e?.code === '23505' && e.constraint === 'waitlist_one_per_user_trip';
}

export async function insertEntry(db: Queryable, e: NewWaitlistEntry): Promise<WaitlistEntryRow> {
  const { rows } = await db.query<WaitlistEntryRow>(
    `INSERT INTO waitlist_entries AS w (id, user_id, trip_id, from_code, to_code, from_index, to_index, class, seat_count, status,
                                   offer_booking_id, contact_phone, contact_email, contact_name, train_name, train_number,
                                   trip_date, departs_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'WAITING', $10, $11, $12, $13, $14, $15, $16, $17)
     RETURNING ${COLUMNS}`,
    [
      e.id,
      e.userId,
      e.tripId,
      e.from,
      e.to,
      e.fromIndex,
      e.toIndex,
      e.seatClass,
      e.count,
      e.offerBookingId,
      e.contact.phone ?? null,
      e.contact.email ?? null,
      e.contact.name ?? null,
      e.trainName,
      e.trainNumber,
      e.date,
      e.departsAt,
    ],
  );
  return rows[0]!;
}

export async function findEntry(
  db: Queryable,
  id: string,
  options: { userId?: string; forUpdate?: boolean } = {},
): Promise<WaitlistEntryRow | null> {
  const params: unknown[] = [id];
  let where = 'w.id = $1';
  if (options.userId !== undefined) {
    params.push(options.userId);
    where += ' AND w.user_id = $2';
  }
  const { rows } = await db.query<WaitlistEntryRow>(
    `SELECT ${COLUMNS} FROM waitlist_entries w WHERE ${where}${options.forUpdate ? ' FOR UPDATE' : ''}`,
    params,
  );
  return rows[0] ?? null;
}

export async function findEntryByOffer(db: Queryable, offerBookingId: string): Promise<WaitlistEntryRow | null> {
  const { rows } = await db.query<WaitlistEntryRow>(`SELECT ${COLUMNS} FROM waitlist_entries w WHERE w.offer_booking_id = $1`, [
    offerBookingId,
  ]);
  return rows[0] ?? null;
}

/** Applies a change the domain returned and enqueues its event, in the caller's transaction. */
export async function applyWaitlistChange(db: Queryable, change: WaitlistChange): Promise<void> {
  await db.query(
    `UPDATE waitlist_entries SET status = $2, updated_at = now(),
            offer_expires_at = COALESCE($3, offer_expires_at), close_reason = COALESCE($4, close_reason)
      WHERE id = $1`,
    [change.waitlistId, change.to, change.offerExpiresAt?.toISOString() ?? null, change.closeReason ?? null],
  );
  await enqueueWaitlistEvent(db, change.event);
}

export async function enqueueWaitlistEvent(db: Queryable, event: WaitlistEvent): Promise<void> {
  await enqueueEvent(db, event.type, event.data);
}

/**
 * An offered booking changed state (called by bookings-repo in the same transaction): its entry follows —
 * CONFIRMED books it, an expiry or a release ends the offer.
 */
export async function followOfferedBooking(
  db: Queryable,
  waitlistId: string,
  status: string,
  cancelReason: string | null,
): Promise<void> {
  const reason = reasonForBooking(status, cancelReason);
  if (!reason) return;
  const entry = await findEntry(db, waitlistId, { forUpdate: true });
  if (!entry || entry.status !== 'OFFERED') return;
  const change = close(entry, reason);
  if (change) await applyWaitlistChange(db, change);
}

/** 1 + WAITING entries ahead in the same line: same trip and class, overlapping legs, joined earlier. */
const POSITION = `(SELECT count(*)::int + 1 FROM waitlist_entries o
                    WHERE o.trip_id = w.trip_id AND o.class = w.class AND o.status = 'WAITING' AND o.seq < w.seq
                      AND int4range(o.from_index, o.to_index) && int4range(w.from_index, w.to_index))`;

export async function positionOf(db: Queryable, id: string): Promise<number> {
  const { rows } = await db.query<{ position: number }>(
    `SELECT ${POSITION} AS position FROM waitlist_entries w WHERE w.id = $1`,
    [id],
  );
  return rows[0]?.position ?? 1;
}

export async function listUserEntries(db: Queryable, userId: string): Promise<(WaitlistEntryRow & { position: number })[]> {
  const { rows } = await db.query<WaitlistEntryRow & { position: number }>(
    `SELECT ${COLUMNS}, CASE WHEN w.status = 'WAITING' THEN ${POSITION} END AS position
       FROM waitlist_entries w WHERE w.user_id = $1 ORDER BY w.created_at DESC LIMIT 50`,
    [userId],
  );
  return rows;
}

/** A trip's WAITING entries in line order, as Redis keeps them (the rebuild loads them). */
export async function waitingEntries(db: Queryable, tripId: number): Promise<WaitlistEntry[]> {
  const { rows } = await db.query<WaitlistEntryRow>(
    `SELECT ${COLUMNS} FROM waitlist_entries w WHERE w.trip_id = $1 AND w.status = 'WAITING' ORDER BY w.seq`,
    [tripId],
  );
  return rows.map(toRedisEntry);
}

export function toRedisEntry(w: WaitlistEntryRow): WaitlistEntry {
  return {
    waitlistId: w.id,
    seq: Number(w.seq),
    userId: w.user_id,
    count: w.seat_count,
    class: w.class,
    mask: legMask(w.from_index, w.to_index),
    from: w.from_code,
    to: w.to_code,
    offerBookingId: w.offer_booking_id,
  };
}

/** Claims up to `limit` WAITING entries whose cut-off has come (SKIP LOCKED, so replicas share the work). */
export async function dueForCutoff(db: Queryable, cutoffMinutes: number, limit: number): Promise<WaitlistEntryRow[]> {
  const { rows } = await db.query<WaitlistEntryRow>(
    `SELECT ${COLUMNS} FROM waitlist_entries w
      WHERE w.status = 'WAITING' AND w.departs_at <= now() + make_interval(mins => $1)
      ORDER BY w.departs_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [cutoffMinutes, limit],
  );
  return rows;
}

/** Trips with WAITING entries (the waitlist job's safety-net offers). */
export async function tripsWithWaiting(db: Queryable): Promise<number[]> {
  const { rows } = await db.query<{ trip_id: number }>(`SELECT DISTINCT trip_id FROM waitlist_entries WHERE status = 'WAITING'`);
  return rows.map((r) => r.trip_id);
}

export function toEntryView(w: WaitlistEntryRow & { position?: number | null }): WaitlistEntryView {
  return {
    waitlistId: w.id,
    status: w.status,
    tripId: w.trip_id,
    from: w.from_code,
    to: w.to_code,
    class: w.class as WaitlistEntryView['class'],
    count: w.seat_count,
    position: w.status === 'WAITING' ? (w.position ?? null) : null,
    bookingId: w.status === 'WAITING' || w.status === 'LEFT' || w.status === 'CLOSED' ? null : w.offer_booking_id,
    offerExpiresAt: w.offer_expires_at ? w.offer_expires_at.toISOString() : null,
    createdAt: w.created_at.toISOString(),
    updatedAt: w.updated_at.toISOString(),
  };
}
