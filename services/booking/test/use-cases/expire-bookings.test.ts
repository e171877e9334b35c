/**
 * Expiry against the real stores: the expiry job (SKIP LOCKED, safe with replicas), the Redis sweeper, and
 * expiring one booking on demand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { EventData } from '@rail/contracts/events';
import { expireBooking, expireOverdueBookings, sweepRedisHolds } from '../../src/use-cases/expire-bookings.js';
import { makeInventory, seatPicker } from '../helpers/fixtures.js';
import { events, sleep, user } from '../helpers/flows.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { selectSeats } from '../../src/use-cases/select-seats.js';

const trip = makeInventory(41);
const seat = seatPicker(trip);
let h: Harness;

beforeAll(async () => {
  h = await startHarness([trip], { holdTtlSeconds: 1 });
});
afterAll(() => h?.close());

describe('expiry', () => {
  it('the expiry job marks overdue bookings EXPIRED, frees them in Redis and enqueues booking.expired once', async () => {
    const a = await selectSeats(h.deps, user('job-a'), { tripId: 41, seatIds: [seat(5), seat(6)] });
    await sleep(1100);
    const results = await Promise.all([
      expireOverdueBookings(h.deps),
      expireOverdueBookings(h.deps),
      expireOverdueBookings(h.deps),
    ]);
    expect(results.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(1);
    const { rows } = await h.pool.query(`SELECT status FROM bookings WHERE id = $1`, [a.bookingId]);
    expect(rows[0].status).toBe('EXPIRED');
    const expired = await events(h.pool, 'booking.expired', a.bookingId);
    expect(expired).toHaveLength(1);
    expect(Value.Check(EventData['booking.expired'], expired[0])).toBe(true);
    const snapshot = await h.deps.seats.snapshot(41);
    expect(snapshot!.seats.has(seat(5))).toBe(false);
    expect(await h.redis.zscore(h.deps.seats.keys(41).expiry, a.bookingId)).toBeNull();
  });

  it('the sweeper removes expired holds from Redis even before the database job runs', async () => {
    const a = await selectSeats(h.deps, user('sweep'), { tripId: 41, seatIds: [seat(8)] });
    expect(await h.redis.hget(h.deps.seats.keys(41).seats, String(seat(8)))).toContain(a.bookingId);
    await sleep(1100);
    expect(await sweepRedisHolds(h.deps)).toBeGreaterThanOrEqual(1);
    expect(await h.redis.hget(h.deps.seats.keys(41).seats, String(seat(8)))).toBeNull();
    expect(await h.redis.hget(h.deps.seats.keys(41).users, 'sweep')).toBeNull();
  });

  it('expires one booking on demand, idempotently; an unknown one is 404', async () => {
    const held = await selectSeats(h.deps, user('odd'), { tripId: 41, seatIds: [seat(40)] });
    expect(await expireBooking(h.deps, held.bookingId)).toEqual({ bookingId: held.bookingId, changed: true });
    expect(await expireBooking(h.deps, held.bookingId)).toEqual({ bookingId: held.bookingId, changed: false });
    await expect(expireBooking(h.deps, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ status: 404 });
  });
});
