/** Reads of one's own bookings: one by id (anyone else's is 404), and a newest-first cursor page. */
import type { BookingList, BookingView } from '@rail/contracts/booking';
import { NotFoundError, ValidationError } from '@rail/errors';
import { BOOKING_COLUMNS, findBooking, toView, type BookingRow } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';

export async function getBooking(deps: BookingDeps, userId: string, id: string): Promise<BookingView> {
  const row = await findBooking(deps.pool, id, { userId });
  if (!row) throw new NotFoundError('Booking not found', 'BOOKING_NOT_FOUND');
  return toView(row);
}

function encodeCursor(row: BookingRow): string {
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
  const params: unknown[] = [userId, limit + 1];
  let after = '';
  if (cursor) {
    const c = decodeCursor(cursor);
    params.push(c.createdAt, c.id);
    after = 'AND (b.created_at, b.id) < ($3::timestamptz, $4::uuid)';
  }
  const { rows } = await deps.pool.query<BookingRow>(
    `SELECT ${BOOKING_COLUMNS} FROM bookings b WHERE b.user_id = $1 ${after} ORDER BY b.created_at DESC, b.id DESC LIMIT $2`,
    params,
  );
  const page = rows.slice(0, limit);
  return { items: page.map(toView), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1]!) : null };
}
