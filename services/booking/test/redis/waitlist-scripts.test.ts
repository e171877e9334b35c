/**
 * The waitlist scripts and the offer step inside the seat scripts (common.lua offer_waitlist / settle)
 * against the real Redis, through SeatInventory: join's branches, offers in line order skipping entries that
 * do not fit, a new hold never taking an expired seat ahead of the line, remove, requeue and the rebuild of
 * the line.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createRedis, type Redis } from '@rail/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classLayouts } from '../../src/inventory/trip-catalog.js';
import { SeatInventory, type WaitlistEntry } from '../../src/redis/seat-inventory.js';
import { makeInventory } from '../helpers/fixtures.js';
import { deleteKeys } from '../helpers/harness.js';

const prefix = `test:booking:waitlist-scripts:${randomBytes(4).toString('hex')}:`;
let redis: Redis;
let seats: SeatInventory;
let offersMade: number[] = [];
let lastTrip = 0;
let seq = 0;
const ALL = 0b1111;
// One SHOVAN coach, one row of 4 seats: ids 1-4.
const layout = () => {
  const inv = makeInventory(1, { coaches: 1, seatsPerCoach: 4 });
  const ka = inv.coaches[0]!;
  return classLayouts({ ...inv, coaches: [{ ...ka, seats: ka.seats.map((s, i) => ({ ...s, seatId: i + 1 })) }] });
};

beforeAll(() => {
  redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'booking-waitlist-scripts-test' });
  seats = new SeatInventory(redis, prefix, { offerTtlMs: 60_000 });
  seats.onOffers = (tripId) => offersMade.push(tripId);
});
afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

async function newTrip(withLayout = true): Promise<number> {
  const trip = 700 + ++lastTrip;
  await seats.rebuildBatch(trip, 'g1', [], true);
  if (withLayout) await seats.writeLayout(trip, layout());
  offersMade = [];
  return trip;
}
const entry = (userId: string, count: number, mask = ALL): WaitlistEntry => ({
  waitlistId: randomUUID(),
  seq: ++seq,
  userId,
  count,
  class: 'SHOVAN',
  mask,
  from: 'DHK',
  to: 'CTG',
  offerBookingId: randomUUID(),
});
async function hold(trip: number, userId: string, ids: number[], ttlMs = 60_000) {
  const bookingId = randomUUID();
  const r = await seats.hold({
    tripId: trip,
    bookingId,
    userId,
    seatIds: ids,
    mask: ALL,
    ttlMs,
    limit: 4,
    from: 'DHK',
    to: 'CTG',
  });
  expect(r.kind).toBe('held');
  return { bookingId, userId, seatIds: ids, from: 'DHK', to: 'CTG' };
}
const wl = async (trip: number, id: string) => {
  const v = await redis.hget(seats.keys(trip).wl, id);
  return v === null ? null : JSON.parse(v);
};
const user = async (trip: number, id: string) => JSON.parse((await redis.hget(seats.keys(trip).users, id)) ?? 'null');

describe('waitlist-join.lua', () => {
  it('answers not-loaded and no-layout', async () => {
    expect(await seats.joinWaitlist(699, entry('u', 1), 4)).toEqual({ kind: 'not-loaded' });
    const trip = await newTrip(false);
    expect(await seats.joinWaitlist(trip, entry('u', 1), 4)).toEqual({ kind: 'no-layout' });
  });

  it('refuses while seats are free, joins when sold out (idempotently), refuses a duplicate and counts waiting seats in the limit', async () => {
    const trip = await newTrip();
    expect(await seats.joinWaitlist(trip, entry('u1', 2), 4)).toEqual({ kind: 'seats-free', seatsLeft: 4 });
    await hold(trip, 'owner', [1, 2, 3]);
    // One seat left: a party of two may join, a single may not.
    expect(await seats.joinWaitlist(trip, entry('u1', 1), 4)).toEqual({ kind: 'seats-free', seatsLeft: 1 });
    const e = entry('u1', 2);
    expect(await seats.joinWaitlist(trip, e, 4)).toEqual({ kind: 'joined' });
    expect(await seats.joinWaitlist(trip, e, 4)).toEqual({ kind: 'joined' });
    expect(await seats.waitlistOrder(trip)).toEqual([e.waitlistId]);
    expect(await wl(trip, e.waitlistId)).toEqual({ u: 'u1', n: 2, c: 'SHOVAN', m: ALL, f: 'DHK', t: 'CTG', o: e.offerBookingId });
    expect(await user(trip, 'u1')).toEqual([{ b: e.waitlistId, n: 2, e: 0, w: 1 }]);
    expect(await seats.joinWaitlist(trip, entry('u1', 2), 4)).toEqual({ kind: 'duplicate' });
    expect(await seats.joinWaitlist(trip, entry('owner', 2), 4)).toEqual({ kind: 'limit', used: 3 });
    // The waiting seats count for the hold limit too.
    const r = await seats.hold({
      tripId: trip,
      bookingId: randomUUID(),
      userId: 'u1',
      seatIds: [4],
      mask: ALL,
      ttlMs: 1000,
      limit: 2,
      from: 'DHK',
      to: 'CTG',
    });
    expect(r).toEqual({ kind: 'limit', used: 2 });
  });
});

describe('offers in the steps that free seats', () => {
  it('seat-release.lua offers the freed seats to the first entries that fit, in line order, skipping one that does not', async () => {
    const trip = await newTrip();
    const owner = await hold(trip, 'owner', [1, 2, 3, 4]);
    const big = entry('big', 4);
    const a = entry('a', 2);
    const b = entry('b', 3);
    const c = entry('c', 2);
    for (const e of [big, a, b, c]) expect(await seats.joinWaitlist(trip, e, 4)).toEqual({ kind: 'joined' });
    // Free two seats only: big (4) and b (3) do not fit; a is first that fits, then nothing is left for c.
    expect(await seats.release(trip, { ...owner, seatIds: [3, 4] })).toBe(2);
    expect(offersMade).toEqual([trip]);
    expect(await seats.waitlistOrder(trip)).toEqual([big.waitlistId, b.waitlistId, c.waitlistId]);
    const pending = await seats.pendingOffers(trip);
    expect(pending).toMatchObject([
      { bookingId: a.offerBookingId, hold: { waitlistId: a.waitlistId, userId: 'a', seatIds: [3, 4], mask: ALL } },
    ]);
    expect(await user(trip, 'a')).toMatchObject([{ b: a.offerBookingId, n: 2 }]);
    expect(await wl(trip, a.waitlistId)).toBeNull();
    const snap = await seats.snapshot(trip);
    expect(snap!.seats.get(3)).toMatchObject([{ bookingId: a.offerBookingId, state: 'H' }]);
    await seats.offerRecorded(trip, a.offerBookingId);
    expect(await seats.pendingOffers(trip)).toEqual([]);
  });

  it('a new hold settles expired holds first, so their seats reach the waitlist and not the new request', async () => {
    const trip = await newTrip();
    await hold(trip, 'owner', [1, 2, 3, 4], 50);
    await new Promise((r) => setTimeout(r, 80));
    // Without a waitlist the expired seats are simply free (lazy expiry)...
    const e = entry('w', 1);
    // ... but once someone waits, they go to the line first.
    await redis.zadd(seats.keys(trip).waitlist, e.seq, e.waitlistId);
    await redis.hset(
      seats.keys(trip).wl,
      e.waitlistId,
      JSON.stringify({ u: 'w', n: 1, c: 'SHOVAN', m: ALL, f: 'DHK', t: 'CTG', o: e.offerBookingId }),
    );
    const r = await seats.hold({
      tripId: trip,
      bookingId: randomUUID(),
      userId: 'late',
      seatIds: [1],
      mask: ALL,
      ttlMs: 1000,
      limit: 4,
      from: 'DHK',
      to: 'CTG',
    });
    expect(r).toEqual({ kind: 'taken', seatIds: [1] });
    expect((await seats.pendingOffers(trip)).map((p) => p.hold?.seatIds)).toEqual([[1]]);
    expect(offersMade).toEqual([trip]);
  });

  it('holds-sweep.lua offers what it sweeps; an offer that expires unrecorded reads as vanished', async () => {
    const trip = await newTrip();
    await hold(trip, 'owner', [1, 2, 3, 4], 50);
    const quick = new SeatInventory(redis, prefix, { offerTtlMs: 50 });
    const e = entry('w', 4);
    await redis.zadd(seats.keys(trip).waitlist, e.seq, e.waitlistId);
    await redis.hset(
      seats.keys(trip).wl,
      e.waitlistId,
      JSON.stringify({ u: 'w', n: 4, c: 'SHOVAN', m: ALL, f: 'DHK', t: 'CTG', o: e.offerBookingId }),
    );
    await new Promise((r) => setTimeout(r, 80));
    expect(await quick.sweep(trip)).toBe(1);
    expect((await quick.pendingOffers(trip))[0]!.hold!.seatIds).toEqual([1, 2, 3, 4]);
    await new Promise((r) => setTimeout(r, 80));
    expect(await quick.sweep(trip)).toBe(1);
    expect(await quick.pendingOffers(trip)).toMatchObject([{ bookingId: e.offerBookingId, hold: null }]);
  });
});

describe('waitlist-remove.lua, waitlist-requeue.lua, waitlist-offer.lua, the rebuild', () => {
  it('remove takes an entry out of line with its user entry; requeue undoes an offer; offerFree offers again', async () => {
    const trip = await newTrip();
    const owner = await hold(trip, 'owner', [1, 2, 3, 4]);
    const a = entry('a', 1);
    const b = entry('b', 1);
    for (const e of [a, b]) await seats.joinWaitlist(trip, e, 4);
    expect(await seats.removeFromWaitlist(trip, b.waitlistId, 'b')).toBe(true);
    expect(await seats.removeFromWaitlist(trip, b.waitlistId, 'b')).toBe(false);
    expect(await user(trip, 'b')).toBeNull();
    await seats.release(trip, { ...owner, seatIds: [1] });
    expect((await seats.pendingOffers(trip)).map((p) => p.bookingId)).toEqual([a.offerBookingId]);
    expect(await seats.requeue(trip, a)).toBe(1);
    expect(await seats.pendingOffers(trip)).toEqual([]);
    expect(await seats.waitlistOrder(trip)).toEqual([a.waitlistId]);
    expect(await user(trip, 'a')).toEqual([{ b: a.waitlistId, n: 1, e: 0, w: 1 }]);
    expect(await seats.offerFree(trip)).toBe(1);
    expect(await seats.waitlistOrder(trip)).toEqual([]);
  });

  it('the final rebuild batch restores the line in order with its user entries', async () => {
    const trip = 700 + ++lastTrip;
    const [x, y] = [entry('x', 2), entry('y', 1)];
    await seats.rebuildBatch(
      trip,
      'g2',
      [],
      true,
      [y, x].sort((p, q) => p.seq - q.seq),
    );
    expect(await seats.waitlistOrder(trip)).toEqual([x.waitlistId, y.waitlistId]);
    expect(await user(trip, 'x')).toEqual([{ b: x.waitlistId, n: 2, e: 0, w: 1 }]);
  });
});
