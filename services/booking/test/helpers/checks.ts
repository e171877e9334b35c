/** Invariant checks shared by the concurrency tests: no seat-leg sold twice, in PostgreSQL and in Redis. */
import type { Pool } from '@rail/db';
import type { SeatInventory } from '../../src/redis/seat-inventory.js';

/** Pairs of active rows of one seat whose legs overlap (must be none; the constraint forbids them). */
export async function pgOverlaps(pool: Pool, tripId: number): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM booking_seats a JOIN booking_seats b
        ON a.trip_id = b.trip_id AND a.seat_id = b.seat_id AND a.booking_id < b.booking_id AND a.legs && b.legs
      WHERE a.trip_id = $1 AND a.active AND b.active`,
    [tripId],
  );
  return rows[0]!.n;
}

/** Pairs of live Redis entries of one seat whose leg masks overlap (must be none). */
export async function redisOverlaps(seats: SeatInventory, tripId: number): Promise<number> {
  const snapshot = await seats.snapshot(tripId);
  if (!snapshot) throw new Error('trip not loaded');
  let n = 0;
  for (const entries of snapshot.seats.values()) {
    for (let i = 0; i < entries.length; i++)
      for (let j = i + 1; j < entries.length; j++) if ((entries[i]!.mask & entries[j]!.mask) !== 0) n++;
  }
  return n;
}

/** Seats per user over active bookings of a trip. */
export async function seatsPerUser(pool: Pool, tripId: number): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ user_id: string; n: number }>(
    `SELECT b.user_id, count(*)::int AS n FROM bookings b JOIN booking_seats s ON s.booking_id = b.id
      WHERE b.trip_id = $1 AND s.active GROUP BY b.user_id`,
    [tripId],
  );
  return new Map(rows.map((r) => [r.user_id, r.n]));
}
