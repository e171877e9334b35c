/**
 * HELD / PENDING_PAYMENT bookings past their time -> EXPIRED, seats freed in Redis, booking.expired
 * enqueued. Safe with many replicas: each batch claims rows with FOR UPDATE SKIP LOCKED.
 */
import { withTransaction } from '@rail/db';
import { NotFoundError } from '@rail/errors';
import { enqueueEvent } from '@rail/messaging';
import { findBooking, setStatus, type BookingRow } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { transition } from '../domain/booking-state.js';

interface Expired {
  id: string;
  user_id: string;
  trip_id: number;
  from_code: string;
  to_code: string;
  seat_ids: number[];
}

export async function expireOverdueBookings(deps: BookingDeps, limit = 200): Promise<number> {
  const expired = await withTransaction(deps.pool, async (client) => {
    const { rows } = await client.query<Expired>(
      `WITH due AS (
         SELECT id FROM bookings WHERE status IN ('HELD', 'PENDING_PAYMENT') AND expires_at <= now()
          ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE bookings b SET status = 'EXPIRED', updated_at = now() FROM due WHERE b.id = due.id
       RETURNING b.id, b.user_id, b.trip_id, b.from_code, b.to_code,
                 (SELECT array_agg(seat_id ORDER BY seat_id) FROM booking_seats WHERE booking_id = b.id) AS seat_ids`,
      [limit],
    );
    for (const row of rows) {
      await enqueueEvent(client, 'booking.expired', {
        bookingId: row.id,
        userId: row.user_id,
        tripId: row.trip_id,
        seatIds: row.seat_ids,
      });
    }
    return rows;
  });
  for (const row of expired) {
    await deps.seats.release(row.trip_id, {
      bookingId: row.id,
      userId: row.user_id,
      seatIds: row.seat_ids,
      from: row.from_code,
      to: row.to_code,
    });
  }
  return expired.length;
}

/** Expires one booking now (idempotent), e.g. when a payment is abandoned. */
export async function expireBooking(deps: BookingDeps, bookingId: string): Promise<{ bookingId: string; changed: boolean }> {
  const { row, changed } = await withTransaction(deps.pool, async (client): Promise<{ row: BookingRow; changed: boolean }> => {
    const booking = await findBooking(client, bookingId, { forUpdate: true });
    if (!booking) throw new NotFoundError('Booking not found', 'BOOKING_NOT_FOUND');
    const t = transition(booking.status, 'expire');
    if (!t.changed) return { row: booking, changed: false };
    await setStatus(client, booking.id, 'EXPIRED');
    await enqueueEvent(client, 'booking.expired', {
      bookingId: booking.id,
      userId: booking.user_id,
      tripId: booking.trip_id,
      seatIds: booking.seats.map((s) => s.seatId),
    });
    return { row: booking, changed: true };
  });
  if (changed) {
    await deps.seats.release(row.trip_id, {
      bookingId: row.id,
      userId: row.user_id,
      seatIds: row.seats.map((s) => s.seatId),
      from: row.from_code,
      to: row.to_code,
    });
  }
  return { bookingId: row.id, changed };
}

/** Sweeps Redis of holds whose time ran out, trip by trip. */
export async function sweepRedisHolds(deps: BookingDeps): Promise<number> {
  let swept = 0;
  for (const tripId of await deps.seats.knownTrips()) swept += await deps.seats.sweep(tripId);
  return swept;
}
