/**
 * The hot path: hold 1-4 seats for a journey segment. Redis decides in one atomic script (losers get 409
 * without touching PostgreSQL); winners are written to PostgreSQL in one transaction, where the exclusion
 * constraint is the final arbiter.
 */
import { randomUUID } from 'node:crypto';
import type { AuthUser } from '@rail/auth-verify';
import type { SelectSeatsBody, SelectSeatsResponse } from '@rail/contracts/booking';
import { withTransaction, type PoolClient } from '@rail/db';
import { ConflictError, ServiceUnavailableError } from '@rail/errors';
import { enqueueEvent } from '@rail/messaging';
import { activeEntries, isExclusionViolation } from '../db/bookings-repo.js';
import type { BookingDeps } from '../deps.js';
import { fareFor, resolveSeats, resolveSegment, type Segment } from '../inventory/trip-catalog.js';
import type { BookedSeat } from '@rail/contracts/booking';
import type { HoldResult } from '../redis/seat-inventory.js';
import { ensureTripLoaded } from './ensure-trip-loaded.js';

interface NewHold {
  bookingId: string;
  user: AuthUser;
  tripId: number;
  segment: Segment;
  seats: BookedSeat[];
  amount: number;
  expiresAt: Date;
  /** Redis's clock at the hold: holds that expired by then may be marked EXPIRED to make room. */
  redisNow: Date;
}

export async function selectSeats(deps: BookingDeps, user: AuthUser, body: SelectSeatsBody): Promise<SelectSeatsResponse> {
  const catalog = await deps.inventories.get(body.tripId);
  const segment = resolveSegment(catalog, body.from, body.to);
  const seats = resolveSeats(catalog, body.seatIds);
  const amount = fareFor(catalog, seats, segment);
  const bookingId = randomUUID();
  const hold = (): Promise<HoldResult> =>
    deps.seats.hold({
      tripId: body.tripId,
      bookingId,
      userId: user.id,
      seatIds: body.seatIds,
      mask: segment.mask,
      ttlMs: deps.settings.holdTtlSeconds * 1000,
      limit: deps.settings.maxSeatsPerUser,
      from: segment.from,
      to: segment.to,
    });

  let result = await hold();
  if (result.kind === 'not-loaded') {
    await ensureTripLoaded(deps, body.tripId);
    result = await hold();
  }
  switch (result.kind) {
    case 'taken':
      throw new ConflictError('SEAT_UNAVAILABLE', 'Some of these seats are already taken for this journey', {
        seatIds: result.seatIds,
      });
    case 'limit':
      throw new ConflictError('LIMIT_EXCEEDED', `At most ${deps.settings.maxSeatsPerUser} seats per person per trip`, {
        limit: deps.settings.maxSeatsPerUser,
        alreadyHeld: result.used,
      });
    case 'not-loaded':
      throw new ServiceUnavailableError('Seat inventory is being restored; try again in a moment', 1, 'INVENTORY_REBUILDING');
    case 'held':
      break;
  }

  const held: NewHold = {
    bookingId,
    user,
    tripId: body.tripId,
    segment,
    seats,
    amount,
    expiresAt: new Date(result.expiresAtMs),
    redisNow: new Date(result.nowMs),
  };
  const entry = {
    bookingId,
    userId: user.id,
    seatIds: body.seatIds,
    mask: segment.mask,
    expiresAtMs: result.expiresAtMs,
    state: 'H' as const,
    from: segment.from,
    to: segment.to,
  };
  try {
    try {
      await persistHold(deps, held, result.staleOverlap);
    } catch (err) {
      // An overlapping hold that PostgreSQL still has but Redis no longer knows (rebuilt without it, or it
      // expired): expire what is overdue and try once more before calling it a conflict.
      if (!isExclusionViolation(err) || result.staleOverlap) throw err;
      await persistHold(deps, held, true);
    }
  } catch (err) {
    await deps.seats
      .release(body.tripId, entry)
      .catch((e: unknown) => deps.logger.error({ err: e }, 'could not release a failed hold'));
    if (isExclusionViolation(err)) {
      const taken = await resyncSeats(deps, body.tripId, body.seatIds, segment.mask);
      throw new ConflictError('SEAT_UNAVAILABLE', 'Some of these seats are already taken for this journey', {
        seatIds: taken.length > 0 ? taken : body.seatIds,
      });
    }
    deps.logger.error({ err, bookingId }, 'could not save a hold');
    throw new ServiceUnavailableError('Your seats could not be saved; please try again', 1, 'HOLD_NOT_SAVED');
  }

  // Redis lost the trip between our hold and our commit: put our committed hold back (a no-op otherwise).
  await deps.seats.upsert(body.tripId, entry, result.generation);

  return {
    bookingId,
    status: 'HELD',
    expiresAt: held.expiresAt.toISOString(),
    tripId: body.tripId,
    from: segment.from,
    to: segment.to,
    seats,
    amount,
    currency: 'BDT',
  };
}

async function persistHold(deps: BookingDeps, hold: NewHold, expireStale: boolean): Promise<void> {
  await withTransaction(deps.pool, async (client) => {
    if (expireStale) await expireOverlapping(client, hold);
    await client.query(
      `WITH b AS (
         INSERT INTO bookings (id, user_id, trip_id, from_code, to_code, from_index, to_index, status, amount, expires_at,
                               contact_phone, contact_email, contact_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'HELD', $8, $9, $10, $11, $12) RETURNING id)
       INSERT INTO booking_seats (booking_id, trip_id, seat_id, legs, label, coach, class)
       SELECT b.id, $3, s.seat_id, int4range($6, $7), s.label, s.coach, s.class
         FROM b, unnest($13::int[], $14::text[], $15::text[], $16::text[]) AS s(seat_id, label, coach, class)`,
      [
        hold.bookingId,
        hold.user.id,
        hold.tripId,
        hold.segment.from,
        hold.segment.to,
        hold.segment.fromIndex,
        hold.segment.toIndex,
        hold.amount,
        hold.expiresAt.toISOString(),
        hold.user.phone ?? null,
        hold.user.email ?? null,
        hold.user.name ?? null,
        hold.seats.map((s) => s.seatId),
        hold.seats.map((s) => s.label),
        hold.seats.map((s) => s.coach),
        hold.seats.map((s) => s.class),
      ],
    );
    await enqueueEvent(client, 'booking.held', {
      bookingId: hold.bookingId,
      userId: hold.user.id,
      tripId: hold.tripId,
      from: hold.segment.from,
      to: hold.segment.to,
      seatIds: hold.seats.map((s) => s.seatId),
      amount: hold.amount,
      expiresAt: hold.expiresAt.toISOString(),
    });
  });
}

/** Marks holds on these seat-legs whose time ran out (by Redis's clock) EXPIRED, so the new hold fits. */
async function expireOverlapping(client: PoolClient, hold: NewHold): Promise<void> {
  const { rows } = await client.query<{ id: string; user_id: string; seat_ids: number[] }>(
    `UPDATE bookings b SET status = 'EXPIRED', updated_at = now()
      WHERE b.id IN (SELECT s.booking_id FROM booking_seats s
                      WHERE s.trip_id = $1 AND s.seat_id = ANY($2::int[]) AND s.active AND s.legs && int4range($3, $4))
        AND b.status IN ('HELD', 'PENDING_PAYMENT') AND b.expires_at <= $5
      RETURNING b.id, b.user_id, (SELECT array_agg(seat_id ORDER BY seat_id) FROM booking_seats WHERE booking_id = b.id) AS seat_ids`,
    [hold.tripId, hold.seats.map((s) => s.seatId), hold.segment.fromIndex, hold.segment.toIndex, hold.redisNow.toISOString()],
  );
  for (const row of rows) {
    await enqueueEvent(client, 'booking.expired', {
      bookingId: row.id,
      userId: row.user_id,
      tripId: hold.tripId,
      seatIds: row.seat_ids,
    });
  }
}

/** After PostgreSQL refused a hold Redis allowed, copy PostgreSQL's truth for those seats back into Redis. */
async function resyncSeats(deps: BookingDeps, tripId: number, seatIds: number[], mask: number): Promise<number[]> {
  const entries = await activeEntries(deps.pool, tripId, seatIds);
  const taken = new Set<number>();
  for (const e of entries) {
    await deps.seats.upsert(tripId, e);
    if ((e.mask & mask) !== 0) for (const s of e.seatIds) if (seatIds.includes(s)) taken.add(s);
  }
  return [...taken].sort((a, b) => a - b);
}
