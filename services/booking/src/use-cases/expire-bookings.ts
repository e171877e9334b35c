/**
 * HELD / PENDING_PAYMENT bookings past their time -> EXPIRED, seats freed in Redis, booking.expired
 * enqueued. Safe with many replicas: each batch claims rows with FOR UPDATE SKIP LOCKED.
 */
import { withTransaction } from '@rail/db';
import { NotFoundError } from '@rail/errors';
import { applyChange, expireOverdue, findBooking, releaseEntry, type Booking } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { expire } from '../domain/booking.js';

export async function expireOverdueBookings(deps: BookingDeps, limit = 200): Promise<number> {
  const expired = await withTransaction(deps.pool, (client) => expireOverdue(client, limit));
  for (const row of expired) await deps.seats.release(row.trip_id, releaseEntry(row));
  return expired.length;
}

/** Expires one booking now (idempotent), e.g. when a payment is abandoned. */
export async function expireBooking(deps: BookingDeps, bookingId: string): Promise<{ bookingId: string; changed: boolean }> {
  const { row, changed } = await withTransaction(deps.pool, async (client): Promise<{ row: Booking; changed: boolean }> => {
    const booking = await findBooking(client, bookingId, { forUpdate: true });
    if (!booking) throw new NotFoundError('Booking not found', 'BOOKING_NOT_FOUND');
    const change = expire(booking);
    if (!change) return { row: booking, changed: false };
    await applyChange(client, change);
    return { row: booking, changed: true };
  });
  if (changed) await deps.seats.release(row.trip_id, releaseEntry(row));
  return { bookingId: row.id, changed };
}

/** Sweeps Redis of holds whose time ran out, trip by trip. */
export async function sweepRedisHolds(deps: BookingDeps): Promise<number> {
  let swept = 0;
  for (const tripId of await deps.seats.knownTrips()) swept += await deps.seats.sweep(tripId);
  return swept;
}
