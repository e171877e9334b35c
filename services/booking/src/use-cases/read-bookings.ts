/** Reads of one's own bookings: one by id (anyone else's is 404), and a newest-first cursor page. */
import type { BookingList, BookingView, InternalBooking } from '@rail/contracts/booking';
import { NotFoundError, ValidationError } from '@rail/errors';
import { findBooking, listUserBookings, toView, type Booking } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { effectiveStatus } from '../domain/booking.js';

export async function getBooking(deps: BookingDeps, userId: string, id: string): Promise<BookingView> {
  const row = await findBooking(deps.pool, id, { userId });
  if (!row) throw new NotFoundError('Booking not found', 'BOOKING_NOT_FOUND');
  return toView(row);
}

/** A booking as the payment service needs it (any owner: the caller is a service). */
export async function getInternalBooking(deps: BookingDeps, id: string): Promise<InternalBooking> {
  const row = await findBooking(deps.pool, id);
  if (!row) throw new NotFoundError('Booking not found', 'BOOKING_NOT_FOUND');
  return {
    bookingId: row.id,
    userId: row.user_id,
    // Past its time but not yet swept by the expiry job: it is expired all the same.
    status: effectiveStatus(row),
    amount: row.amount,
    currency: 'BDT',
    expiresAt: row.expires_at ? row.expires_at.toISOString() : null,
    tripId: row.trip_id,
  };
}

function encodeCursor(row: Booking): string {
  return Buffer.from(`${row.created_at.toISOString()}|${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw ValidationError.field('query.cursor', 'is not a cursor from a previous page', 'INVALID_CURSOR');
  }
  return { createdAt, id };
}

export async function listBookings(deps: BookingDeps, userId: string, limit: number, cursor?: string): Promise<BookingList> {
  // One more than a page tells whether there is a next one.
  const rows = await listUserBookings(deps.pool, userId, limit + 1, cursor ? decodeCursor(cursor) : undefined);
  const page = rows.slice(0, limit);
  return { items: page.map(toView), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
}
