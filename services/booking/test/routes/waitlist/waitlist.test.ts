/**
 * The waitlist over HTTP against the real PostgreSQL and Redis: join/list/leave with their 4xx answers, the
 * line kept in order under concurrent frees, a freed seat reaching the waitlist before any new select, an
 * offer not paid in time moving on to the next entry, and every waitlist event checked against its contract.
 */
import { EventData } from '@rail/contracts/events';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireOverdueBookings, sweepRedisHolds } from '../../../src/use-cases/expire-bookings.js';
import { makeInventory } from '../../helpers/fixtures.js';
import { sleep } from '../../helpers/flows.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { pgOverlaps } from '../../helpers/checks.js';

const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
// Small trips of one SHOVAN coach of 4 seats (one row), so a class sells out fast.
const trips = [41, 42, 43, 44].map((id) => makeInventory(id, { coaches: 1, seatsPerCoach: 4, start: tomorrow }));
const seatIds = (tripId: number) => trips.find((t) => t.tripId === tripId)!.coaches[0]!.seats.map((s) => s.seatId);
let h: Harness;

beforeAll(async () => {
  h = await startHarness(trips, { waitlistOfferTtlSeconds: 2, poolMax: 6 });
});
afterAll(() => h?.close());

async function call(userId: string | null, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) {
  const headers = userId ? await h.auth(userId) : {};
  return h.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
}
const join = (userId: string, tripId: number, count: number, extra: object = {}) =>
  call(userId, 'POST', '/api/bookings/waitlist', { tripId, class: 'SHOVAN', count, ...extra });
const holdAll = async (userId: string, tripId: number, ids = seatIds(tripId)) => {
  const res = await call(userId, 'POST', '/api/bookings/seats/select', { tripId, seatIds: ids });
  expect(res.statusCode).toBe(201);
  return res.json().bookingId as string;
};
async function entry(waitlistId: string) {
  const { rows } = await h.pool.query(`SELECT status, offer_booking_id FROM waitlist_entries WHERE id = $1`, [waitlistId]);
  return rows[0] as { status: string; offer_booking_id: string };
}
async function waitForStatus(waitlistId: string, status: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while ((await entry(waitlistId)).status !== status) {
    if (Date.now() > deadline) throw new Error(`entry ${waitlistId} is ${(await entry(waitlistId)).status}, not ${status}`);
    await sleep(20);
  }
}
async function outboxOf(type: keyof typeof EventData, waitlistId: string) {
  const { rows } = await h.pool.query(`SELECT envelope FROM outbox WHERE type = $1 AND envelope->'data'->>'waitlistId' = $2`, [
    type,
    waitlistId,
  ]);
  for (const r of rows) expect(Value.Check(EventData[type], r.envelope.data)).toBe(true);
  return rows.map((r) => r.envelope.data);
}

describe('the waitlist', () => {
  it('join, list, leave: positions, duplicates, the limit and bad input get clear answers', async () => {
    const free = await join('w-early', 41, 1);
    expect(free.statusCode).toBe(409);
    expect(free.json()).toMatchObject({ code: 'WAITLIST_SEATS_AVAILABLE', seatsLeft: 4 });

    await holdAll('owner-41', 41);
    const first = await join('w1', 41, 1);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ position: 1, status: 'WAITING' });
    const second = await join('w2', 41, 2, { from: 'DHK', to: 'CTG' });
    expect(second.json()).toMatchObject({ position: 2 });
    // Another segment that overlaps, another line only in name: it counts in the same class line.
    expect((await join('w3', 41, 1, { from: 'BHB', to: 'AKH' })).json()).toMatchObject({ position: 3 });

    expect((await join('w1', 41, 1)).json()).toMatchObject({ code: 'WAITLIST_DUPLICATE' });
    const over = await join('owner-41', 41, 1);
    expect(over.statusCode).toBe(409);
    expect(over.json()).toMatchObject({ code: 'LIMIT_EXCEEDED', alreadyHeld: 4 });
    for (const body of [
      { tripId: 41, class: 'SHOVAN', count: 5 },
      { tripId: 41, class: 'SHOVAN', count: 0 },
      { tripId: 41, class: 'FIRST', count: 1 },
      { tripId: 41, count: 1 },
      { tripId: 41, class: 'AC_S', count: 1 },
      { tripId: 41, class: 'SHOVAN', count: 1, from: 'CTG', to: 'DHK' },
    ]) {
      expect((await call('w-bad', 'POST', '/api/bookings/waitlist', body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await call(null, 'POST', '/api/bookings/waitlist', { tripId: 41, class: 'SHOVAN', count: 1 })).statusCode).toBe(401);
    expect((await call(null, 'GET', '/api/bookings/waitlist')).statusCode).toBe(401);

    const mine = await call('w2', 'GET', '/api/bookings/waitlist');
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items).toMatchObject([
      { waitlistId: second.json().waitlistId, status: 'WAITING', position: 2, count: 2, bookingId: null },
    ]);

    const id1 = first.json().waitlistId;
    expect((await call('w2', 'DELETE', `/api/bookings/waitlist/${id1}`)).statusCode).toBe(404);
    expect((await call('w1', 'DELETE', `/api/bookings/waitlist/00000000-0000-4000-8000-000000000000`)).statusCode).toBe(404);
    expect((await call('w1', 'DELETE', `/api/bookings/waitlist/not-a-uuid`)).statusCode).toBe(400);
    const left = await call('w1', 'DELETE', `/api/bookings/waitlist/${id1}`);
    expect(left.json()).toEqual({ waitlistId: id1, status: 'LEFT' });
    expect((await call('w1', 'DELETE', `/api/bookings/waitlist/${id1}`)).json()).toEqual({ waitlistId: id1, status: 'LEFT' });
    expect((await call('w2', 'GET', '/api/bookings/waitlist')).json().items[0].position).toBe(1);
    expect(await h.deps.seats.waitlistOrder(41)).toEqual([second.json().waitlistId, expect.any(String)]);
    expect(await outboxOf('booking.waitlisted', id1)).toHaveLength(1);
    expect((await outboxOf('booking.waitlist-closed', id1))[0]).toMatchObject({ reason: 'left', bookingId: null });
    // Having left, one may join again.
    expect((await join('w1', 41, 1)).statusCode).toBe(201);
  });

  it('a freed seat goes to the waitlist before any new select, and the offer is an ordinary HELD booking', async () => {
    const owner = await holdAll('owner-42', 42);
    const waiting = (await join('wb', 42, 4)).json().waitlistId as string;
    const [released, ...selects] = await Promise.all([
      call('owner-42', 'DELETE', `/api/bookings/${owner}`),
      ...Array.from({ length: 8 }, (_, i) =>
        call(`snatch-${i}`, 'POST', '/api/bookings/seats/select', { tripId: 42, class: 'SHOVAN', count: 1 }),
      ),
    ]);
    expect(released.statusCode).toBe(200);
    for (const s of selects) expect(s.json()).toMatchObject({ code: 'NOT_ENOUGH_SEATS', seatsLeft: 0 });
    await waitForStatus(waiting, 'OFFERED');
    const offerId = (await entry(waiting)).offer_booking_id;
    const list = await call('wb', 'GET', '/api/bookings');
    expect(list.json().items).toMatchObject([{ bookingId: offerId, status: 'HELD', waitlistId: waiting, tripId: 42 }]);
    expect(list.json().items[0].seats).toHaveLength(4);
    expect((await call('wb', 'GET', '/api/bookings/waitlist')).json().items[0]).toMatchObject({
      status: 'OFFERED',
      bookingId: offerId,
      position: null,
    });
    const [offered] = await outboxOf('booking.waitlist-offered', waiting);
    expect(offered).toMatchObject({ bookingId: offerId, userId: 'wb', tripId: 42, class: 'SHOVAN' });
    expect(await pgOverlaps(h.pool, 42)).toBe(0);
  });

  it('keeps the line in order under concurrent frees', async () => {
    const ids = seatIds(43);
    const holders = await Promise.all(ids.map((id, i) => holdAll(`h43-${i}`, 43, [id])));
    const line: string[] = [];
    for (let i = 0; i < 3; i++) line.push((await join(`l43-${i}`, 43, 1)).json().waitlistId);
    await Promise.all(holders.slice(0, 2).map((b, i) => call(`h43-${i}`, 'DELETE', `/api/bookings/${b}`)));
    await waitForStatus(line[0]!, 'OFFERED');
    await waitForStatus(line[1]!, 'OFFERED');
    expect((await entry(line[2]!)).status).toBe('WAITING');
    expect((await call('l43-2', 'GET', '/api/bookings/waitlist')).json().items[0].position).toBe(1);
    expect(await pgOverlaps(h.pool, 43)).toBe(0);
  });

  it('an offer not paid in time moves on to the next entry; the lapsed entry is EXPIRED with a notice', async () => {
    const owner = await holdAll('owner-44', 44, seatIds(44).slice(0, 2));
    await holdAll('other-44', 44, seatIds(44).slice(2));
    const firstInLine = (await join('late', 44, 2)).json().waitlistId as string;
    const next = (await join('next', 44, 2)).json().waitlistId as string;
    expect((await call('owner-44', 'DELETE', `/api/bookings/${owner}`)).statusCode).toBe(200);
    await waitForStatus(firstInLine, 'OFFERED');
    expect((await entry(next)).status).toBe('WAITING');

    await sleep(2_300);
    // The sweeper frees the lapsed offer and, in the same step, offers its seats to the next entry.
    await sweepRedisHolds(h.deps);
    await waitForStatus(next, 'OFFERED');
    await expireOverdueBookings(h.deps);
    await waitForStatus(firstInLine, 'EXPIRED');
    expect((await outboxOf('booking.waitlist-closed', firstInLine))[0]).toMatchObject({ reason: 'offer-expired' });
    const late = await call('late', 'GET', `/api/bookings/${(await entry(firstInLine)).offer_booking_id}`);
    expect(late.json().status).toBe('EXPIRED');
    expect(await pgOverlaps(h.pool, 44)).toBe(0);
  });
});
