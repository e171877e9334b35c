/**
 * The seat Lua scripts (src/redis/*.lua) against the real Redis, through SeatInventory: every branch of
 * every script, the stored JSON structures (common.lua) and the seat events they publish. Each test uses
 * its own trip; this file's keys have their own prefix and are deleted afterwards.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SeatEvent } from '@rail/contracts/booking';
import { createRedis, type Redis } from '@rail/redis';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeatInventory, tripDataKeys, type BookingEntry, type SeatState } from '../../src/redis/seat-inventory.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test:booking:seat-scripts:${randomBytes(4).toString('hex')}:`;
let redis: Redis;
let subscriber: Redis;
let seats: SeatInventory;
const published = new Map<string, unknown[]>();

// Leg masks over a trip of four legs: DHK -0- NRS -1- BRB -2- AKH -3- CTG.
const ALL = 0b1111;
const FIRST_TWO = 0b0011;
const LAST_TWO = 0b1100;
const MIDDLE = 0b0110;

let lastTrip = 0;
/** A fresh trip number per test, so tests never see each other's entries. */
const newTrip = (): number => 100 + ++lastTrip;

beforeAll(async () => {
  redis = createRedis(url, { name: 'booking-seat-scripts-test' });
  subscriber = createRedis(url, { name: 'booking-seat-scripts-test-sub' });
  subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
    const list = published.get(channel) ?? [];
    list.push(JSON.parse(message));
    published.set(channel, list);
  });
  await subscriber.psubscribe(`${prefix}*`);
  seats = new SeatInventory(redis, prefix);
});

afterAll(async () => {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.unlink(...keys);
  } while (cursor !== '0');
  await Promise.allSettled([redis.quit(), subscriber.quit()]);
});

/** Marks a trip loaded with a generation (an empty final rebuild batch), as ensureTripLoaded does. */
async function load(tripId: number, generation = 'gen-1'): Promise<void> {
  await seats.rebuildBatch(tripId, generation, [], true);
}

async function redisNowMs(): Promise<number> {
  const [s, us] = await redis.time();
  return Number(s) * 1000 + Math.floor(Number(us) / 1000);
}

function hold(tripId: number, userId: string, seatIds: number[], mask = ALL, extra: { ttlMs?: number; limit?: number } = {}) {
  const bookingId = randomUUID();
  const result = seats.hold({
    tripId,
    bookingId,
    userId,
    seatIds,
    mask,
    ttlMs: extra.ttlMs ?? 60_000,
    limit: extra.limit ?? 4,
    from: 'DHK',
    to: 'CTG',
  });
  return { bookingId, result };
}

function entry(userId: string, seatIds: number[], state: SeatState, expiresAtMs: number, mask = ALL): BookingEntry {
  return { bookingId: randomUUID(), userId, seatIds, mask, expiresAtMs, state, from: 'DHK', to: 'CTG' };
}

const raw = {
  seat: async (tripId: number, seatId: number): Promise<unknown> => {
    const v = await redis.hget(seats.keys(tripId).seats, String(seatId));
    return v === null ? null : JSON.parse(v);
  },
  user: async (tripId: number, userId: string): Promise<unknown> => {
    const v = await redis.hget(seats.keys(tripId).users, userId);
    return v === null ? null : JSON.parse(v);
  },
  meta: async (tripId: number, bookingId: string): Promise<unknown> => {
    const v = await redis.hget(seats.keys(tripId).meta, bookingId);
    return v === null ? null : JSON.parse(v);
  },
  expiry: async (tripId: number, bookingId: string): Promise<number | null> => {
    const v = await redis.zscore(seats.keys(tripId).expiry, bookingId);
    return v === null ? null : Number(v);
  },
};

/** Seat events of a trip, once at least `count` arrived; each is checked against the contract. */
async function eventsOf(tripId: number, count: number): Promise<unknown[]> {
  const channel = seats.keys(tripId).channel;
  const deadline = Date.now() + 3_000;
  while ((published.get(channel)?.length ?? 0) < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const events = published.get(channel) ?? [];
  for (const e of events) expect(Value.Check(SeatEvent, e), JSON.stringify(e)).toBe(true);
  return events;
}

/** Publishes a marker event (a hold of seat 999) so that "nothing else was published" can be asserted in order. */
async function marker(tripId: number): Promise<void> {
  const { result } = hold(tripId, 'marker', [999]);
  expect((await result).kind).toBe('held');
}
const markerEvent = (tripId: number) => ({ tripId, seatIds: [999], status: 'held', from: 'DHK', to: 'CTG' });

describe('seat-hold.lua', () => {
  it('answers not-loaded for a trip Redis does not have, and writes nothing', async () => {
    const trip = newTrip();
    const { result } = hold(trip, 'u1', [1, 2]);
    expect(await result).toEqual({ kind: 'not-loaded' });
    expect(await redis.exists(...tripDataKeys(seats.keys(trip)))).toBe(0);
  });

  it('holds free seats: a seat entry per seat, the user entry, the expiry and the meta, and publishes held', async () => {
    const trip = newTrip();
    await load(trip, 'gen-7');
    const before = await redisNowMs();
    const { bookingId, result } = hold(trip, 'u1', [3, 4], MIDDLE, { ttlMs: 60_000 });
    const held = await result;
    if (held.kind !== 'held') throw new Error(`expected held, got ${held.kind}`);
    expect(held.generation).toBe('gen-7');
    expect(held.staleOverlap).toBe(false);
    expect(held.nowMs).toBeGreaterThanOrEqual(before);
    expect(held.expiresAtMs).toBe(held.nowMs + 60_000);

    const exp = held.expiresAtMs;
    expect(await raw.seat(trip, 3)).toEqual([{ b: bookingId, m: MIDDLE, e: exp, s: 'H' }]);
    expect(await raw.seat(trip, 4)).toEqual([{ b: bookingId, m: MIDDLE, e: exp, s: 'H' }]);
    expect(await raw.user(trip, 'u1')).toEqual([{ b: bookingId, n: 2, e: exp }]);
    expect(await raw.expiry(trip, bookingId)).toBe(exp);
    expect(await raw.meta(trip, bookingId)).toEqual({ m: MIDDLE, f: 'DHK', t: 'CTG', s: [3, 4], u: 'u1' });
    expect(await eventsOf(trip, 1)).toEqual([{ tripId: trip, seatIds: [3, 4], status: 'held', from: 'DHK', to: 'CTG' }]);
  });

  it('refuses when a live entry overlaps the legs: names only the taken seats and holds none of them', async () => {
    const trip = newTrip();
    await load(trip);
    const first = hold(trip, 'u1', [5], FIRST_TWO);
    expect((await first.result).kind).toBe('held');
    const seat5 = await raw.seat(trip, 5);

    const second = hold(trip, 'u2', [4, 5, 6], MIDDLE);
    expect(await second.result).toEqual({ kind: 'taken', seatIds: [5] });
    // All or nothing: the free seats 4 and 6 were not held, seat 5 is as it was, u2 has nothing.
    expect(await raw.seat(trip, 4)).toBeNull();
    expect(await raw.seat(trip, 6)).toBeNull();
    expect(await raw.seat(trip, 5)).toEqual(seat5);
    expect(await raw.user(trip, 'u2')).toBeNull();
    expect(await raw.meta(trip, second.bookingId)).toBeNull();
    expect(await raw.expiry(trip, second.bookingId)).toBeNull();
    await marker(trip);
    expect(await eventsOf(trip, 2)).toEqual([
      { tripId: trip, seatIds: [5], status: 'held', from: 'DHK', to: 'CTG' },
      markerEvent(trip),
    ]);
  });

  it('lets two bookings share a seat on legs that do not overlap (touching at a station)', async () => {
    const trip = newTrip();
    await load(trip);
    const a = hold(trip, 'u1', [7], FIRST_TWO);
    const b = hold(trip, 'u2', [7], LAST_TWO);
    const [ra, rb] = await Promise.all([a.result, b.result]);
    expect(ra.kind).toBe('held');
    expect(rb.kind).toBe('held');
    const entries = (await raw.seat(trip, 7)) as { b: string; m: number }[];
    expect(entries.map((e) => [e.b, e.m])).toEqual([
      [a.bookingId, FIRST_TWO],
      [b.bookingId, LAST_TWO],
    ]);
    // A third booking over the middle overlaps both.
    expect(await hold(trip, 'u3', [7], MIDDLE).result).toEqual({ kind: 'taken', seatIds: [7] });
  });

  it('counts pending-payment and confirmed entries as taken', async () => {
    const trip = newTrip();
    await load(trip);
    const now = await redisNowMs();
    await seats.upsert(trip, entry('u1', [8], 'P', now + 60_000));
    await seats.upsert(trip, entry('u1', [9], 'C', 0));
    expect(await hold(trip, 'u2', [8, 9, 10]).result).toEqual({ kind: 'taken', seatIds: [8, 9] });
    expect(await raw.seat(trip, 10)).toBeNull();
  });

  it('refuses past the per-user limit, counting live holds and confirmed seats but not expired holds', async () => {
    const trip = newTrip();
    await load(trip);
    const now = await redisNowMs();
    // An expired hold of 4 seats does not count.
    await seats.upsert(trip, entry('u1', [20, 21, 22, 23], 'H', now - 1_000));
    const first = hold(trip, 'u1', [1, 2, 3]);
    expect((await first.result).kind).toBe('held');
    // The expired user entry was dropped when the user entry was rewritten.
    expect(((await raw.user(trip, 'u1')) as { b: string }[]).map((u) => u.b)).toEqual([first.bookingId]);

    expect(await hold(trip, 'u1', [4, 5]).result).toEqual({ kind: 'limit', used: 3 });
    expect(await raw.seat(trip, 4)).toBeNull();
    expect((await hold(trip, 'u1', [4]).result).kind).toBe('held');
    expect(await hold(trip, 'u1', [5]).result).toEqual({ kind: 'limit', used: 4 });
    // Another user is not affected.
    expect((await hold(trip, 'u2', [5, 6, 7, 8]).result).kind).toBe('held');

    // Confirmed seats (expiry 0) count too.
    await seats.upsert(trip, entry('u3', [30, 31], 'C', 0));
    expect(await hold(trip, 'u3', [32, 33, 34]).result).toEqual({ kind: 'limit', used: 2 });
    // The limit is checked before the seats: a user at the limit asking for a taken seat hears "limit".
    expect(await hold(trip, 'u1', [1], ALL, { limit: 4 }).result).toEqual({ kind: 'limit', used: 4 });
  });

  it('treats an expired hold as free at once (short TTL), drops it on rewrite and reports the stale overlap', async () => {
    const trip = newTrip();
    await load(trip);
    const short = hold(trip, 'u1', [11], ALL, { ttlMs: 30 });
    expect((await short.result).kind).toBe('held');
    await new Promise((r) => setTimeout(r, 80));
    const later = hold(trip, 'u2', [11], MIDDLE);
    const held = await later.result;
    expect(held).toMatchObject({ kind: 'held', staleOverlap: true });
    expect(((await raw.seat(trip, 11)) as { b: string }[]).map((e) => e.b)).toEqual([later.bookingId]);
  });

  it('drops an expired entry on other legs too, without calling it a stale overlap', async () => {
    const trip = newTrip();
    await load(trip);
    const now = await redisNowMs();
    const old = entry('u1', [12], 'P', now - 1_000, FIRST_TWO);
    await seats.upsert(trip, old);
    const live = entry('u3', [12], 'C', 0, MIDDLE & ~FIRST_TWO);
    await seats.upsert(trip, live);
    const next = hold(trip, 'u2', [12], LAST_TWO & ~MIDDLE);
    expect(await next.result).toMatchObject({ kind: 'held', staleOverlap: false });
    expect(((await raw.seat(trip, 12)) as { b: string }[]).map((e) => e.b)).toEqual([live.bookingId, next.bookingId]);
  });
});

describe('seat-release.lua', () => {
  it("frees only its own booking's entries, keeps the other bookings on those seats and of that user, publishes available", async () => {
    const trip = newTrip();
    await load(trip);
    const mine = hold(trip, 'u1', [1, 2], FIRST_TWO);
    const mineLater = hold(trip, 'u1', [3], FIRST_TWO);
    const theirs = hold(trip, 'u2', [2], LAST_TWO);
    await Promise.all([mine.result, mineLater.result, theirs.result]);

    const freed = await seats.release(trip, { bookingId: mine.bookingId, userId: 'u1', seatIds: [1, 2], from: 'NRS', to: 'BRB' });
    expect(freed).toBe(2);
    expect(await raw.seat(trip, 1)).toBeNull();
    expect(((await raw.seat(trip, 2)) as { b: string }[]).map((e) => e.b)).toEqual([theirs.bookingId]);
    expect(((await raw.user(trip, 'u1')) as { b: string }[]).map((u) => u.b)).toEqual([mineLater.bookingId]);
    expect(await raw.meta(trip, mine.bookingId)).toBeNull();
    expect(await raw.expiry(trip, mine.bookingId)).toBeNull();
    expect(await raw.meta(trip, theirs.bookingId)).not.toBeNull();

    // The user's last booking goes: the user field goes with it.
    expect(
      await seats.release(trip, { bookingId: mineLater.bookingId, userId: 'u1', seatIds: [3], from: 'DHK', to: 'CTG' }),
    ).toBe(1);
    expect(await raw.user(trip, 'u1')).toBeNull();
    const events = await eventsOf(trip, 5);
    expect(events.slice(3)).toEqual([
      { tripId: trip, seatIds: [1, 2], status: 'available', from: 'NRS', to: 'BRB' },
      { tripId: trip, seatIds: [3], status: 'available', from: 'DHK', to: 'CTG' },
    ]);
  });

  it("refuses to touch another booking's entries: frees nothing and publishes nothing", async () => {
    const trip = newTrip();
    await load(trip);
    const theirs = hold(trip, 'u2', [5, 6]);
    expect((await theirs.result).kind).toBe('held');
    const before = await Promise.all([
      raw.seat(trip, 5),
      raw.seat(trip, 6),
      raw.user(trip, 'u2'),
      raw.meta(trip, theirs.bookingId),
    ]);

    const freed = await seats.release(trip, { bookingId: randomUUID(), userId: 'u1', seatIds: [5, 6], from: 'DHK', to: 'CTG' });
    expect(freed).toBe(0);
    expect(
      await Promise.all([raw.seat(trip, 5), raw.seat(trip, 6), raw.user(trip, 'u2'), raw.meta(trip, theirs.bookingId)]),
    ).toEqual(before);
    // Releasing one's own booking names only the seats it has: seat 6 is not ours.
    const mine = hold(trip, 'u1', [7]);
    expect((await mine.result).kind).toBe('held');
    expect(await seats.release(trip, { bookingId: mine.bookingId, userId: 'u1', seatIds: [6, 7], from: 'DHK', to: 'CTG' })).toBe(
      1,
    );
    expect(await raw.seat(trip, 6)).toEqual(before[1]);
    await marker(trip);
    expect(await eventsOf(trip, 4)).toEqual([
      { tripId: trip, seatIds: [5, 6], status: 'held', from: 'DHK', to: 'CTG' },
      { tripId: trip, seatIds: [7], status: 'held', from: 'DHK', to: 'CTG' },
      { tripId: trip, seatIds: [7], status: 'available', from: 'DHK', to: 'CTG' },
      markerEvent(trip),
    ]);
  });
});

describe('booking-upsert.lua', () => {
  it('moves a booking H -> P -> C in place: one entry per seat, expiry kept for P and dropped for C, publishes each', async () => {
    const trip = newTrip();
    await load(trip);
    const h = hold(trip, 'u1', [1, 2], MIDDLE);
    const held = await h.result;
    if (held.kind !== 'held') throw new Error('not held');
    const other = hold(trip, 'u2', [2], FIRST_TWO & ~MIDDLE);
    expect((await other.result).kind).toBe('held');
    const base: BookingEntry = {
      bookingId: h.bookingId,
      userId: 'u1',
      seatIds: [1, 2],
      mask: MIDDLE,
      expiresAtMs: held.expiresAtMs + 600_000,
      state: 'P',
      from: 'NRS',
      to: 'AKH',
    };

    expect(await seats.upsert(trip, base)).toBe(true);
    expect(await raw.seat(trip, 1)).toEqual([{ b: h.bookingId, m: MIDDLE, e: base.expiresAtMs, s: 'P' }]);
    expect(await raw.seat(trip, 2)).toEqual([
      { b: other.bookingId, m: FIRST_TWO & ~MIDDLE, e: expect.any(Number), s: 'H' },
      { b: h.bookingId, m: MIDDLE, e: base.expiresAtMs, s: 'P' },
    ]);
    expect(await raw.user(trip, 'u1')).toEqual([{ b: h.bookingId, n: 2, e: base.expiresAtMs }]);
    expect(await raw.expiry(trip, h.bookingId)).toBe(base.expiresAtMs);

    expect(await seats.upsert(trip, { ...base, state: 'C', expiresAtMs: 0 })).toBe(true);
    expect(await raw.seat(trip, 1)).toEqual([{ b: h.bookingId, m: MIDDLE, e: 0, s: 'C' }]);
    expect(await raw.user(trip, 'u1')).toEqual([{ b: h.bookingId, n: 2, e: 0 }]);
    expect(await raw.expiry(trip, h.bookingId)).toBeNull();
    expect(await raw.meta(trip, h.bookingId)).toEqual({ m: MIDDLE, f: 'NRS', t: 'AKH', s: [1, 2], u: 'u1' });

    // Back to a hold (as a restore would write it) publishes "held".
    expect(await seats.upsert(trip, { ...base, state: 'H' })).toBe(true);
    const events = await eventsOf(trip, 5);
    expect(events.slice(2)).toEqual([
      { tripId: trip, seatIds: [1, 2], status: 'booked', from: 'NRS', to: 'AKH' },
      { tripId: trip, seatIds: [1, 2], status: 'booked', from: 'NRS', to: 'AKH' },
      { tripId: trip, seatIds: [1, 2], status: 'held', from: 'NRS', to: 'AKH' },
    ]);
  });

  it('is skipped while Redis still has the generation, and writes once the trip was rebuilt or lost', async () => {
    const trip = newTrip();
    await load(trip, 'gen-A');
    const now = await redisNowMs();
    const e = entry('u1', [4], 'H', now + 60_000);
    expect(await seats.upsert(trip, e, 'gen-A')).toBe(false);
    expect(await raw.seat(trip, 4)).toBeNull();
    expect(await raw.user(trip, 'u1')).toBeNull();

    await load(trip, 'gen-B');
    expect(await seats.upsert(trip, e, 'gen-A')).toBe(true);
    expect(await raw.seat(trip, 4)).toEqual([{ b: e.bookingId, m: ALL, e: e.expiresAtMs, s: 'H' }]);

    const lost = newTrip();
    expect(await seats.upsert(lost, e, 'gen-A')).toBe(true);
    expect(await raw.seat(lost, 4)).toEqual([{ b: e.bookingId, m: ALL, e: e.expiresAtMs, s: 'H' }]);
    expect(await seats.isLoaded(lost)).toBe(false);
    await marker(trip);
    expect(await eventsOf(trip, 2)).toEqual([
      { tripId: trip, seatIds: [4], status: 'held', from: 'DHK', to: 'CTG' },
      markerEvent(trip),
    ]);
  });
});

describe('trip-rebuild.lua', () => {
  it('loads the entries batch by batch; the trip takes holds only after the final batch sets the generation', async () => {
    const trip = newTrip();
    const now = await redisNowMs();
    const held = entry('u1', [1, 2], 'H', now + 60_000, FIRST_TWO);
    const pending = entry('u2', [3], 'P', now + 120_000, LAST_TWO);
    const confirmed = entry('u3', [1], 'C', 0, LAST_TWO);

    expect(await seats.rebuildBatch(trip, 'gen-R', [held, pending], false)).toBe(2);
    expect(await seats.isLoaded(trip)).toBe(false);
    expect(await hold(trip, 'u9', [9]).result).toEqual({ kind: 'not-loaded' });
    expect(await seats.snapshot(trip)).toBeNull();

    expect(await seats.rebuildBatch(trip, 'gen-R', [{ ...confirmed, extra: 'not stored' } as BookingEntry], true)).toBe(1);
    expect(await redis.get(seats.keys(trip).loaded)).toBe('gen-R');
    expect(await raw.seat(trip, 1)).toEqual([
      { b: held.bookingId, m: FIRST_TWO, e: held.expiresAtMs, s: 'H' },
      { b: confirmed.bookingId, m: LAST_TWO, e: 0, s: 'C' },
    ]);
    expect(await raw.user(trip, 'u2')).toEqual([{ b: pending.bookingId, n: 1, e: pending.expiresAtMs }]);
    expect(await raw.meta(trip, confirmed.bookingId)).toEqual({ m: LAST_TWO, f: 'DHK', t: 'CTG', s: [1], u: 'u3' });
    expect(await raw.expiry(trip, held.bookingId)).toBe(held.expiresAtMs);
    expect(await raw.expiry(trip, pending.bookingId)).toBe(pending.expiresAtMs);
    expect(await raw.expiry(trip, confirmed.bookingId)).toBeNull();
    // The rebuilt entries are live: they refuse overlapping holds and count for the per-user limit.
    expect(await hold(trip, 'u9', [1, 2, 3], ALL).result).toEqual({ kind: 'taken', seatIds: [1, 2, 3] });
    expect(await hold(trip, 'u1', [10, 11, 12]).result).toEqual({ kind: 'limit', used: 2 });
    // A rebuild publishes nothing (watchers refetch); the marker is the only event.
    await marker(trip);
    expect(await eventsOf(trip, 1)).toEqual([markerEvent(trip)]);
  });

  it('merges with entries already there, replacing a booking instead of adding it twice', async () => {
    const trip = newTrip();
    await load(trip, 'gen-1');
    const meanwhile = hold(trip, 'u1', [5], FIRST_TWO);
    expect((await meanwhile.result).kind).toBe('held');
    const rebuilt = entry('u2', [5, 6], 'C', 0, LAST_TWO);
    // The same booking twice (two batches overlapping) is stored once.
    await seats.rebuildBatch(trip, 'gen-2', [rebuilt], false);
    expect(await seats.rebuildBatch(trip, 'gen-2', [rebuilt], true)).toBe(1);
    expect(((await raw.seat(trip, 5)) as { b: string }[]).map((e) => e.b)).toEqual([meanwhile.bookingId, rebuilt.bookingId]);
    expect(await raw.user(trip, 'u2')).toEqual([{ b: rebuilt.bookingId, n: 2, e: 0 }]);
    expect(await seats.rebuildBatch(trip, 'gen-3', [], true)).toBe(0);
    expect(await redis.get(seats.keys(trip).loaded)).toBe('gen-3');
  });
});

describe('holds-sweep.lua', () => {
  it('removes expired held and pending bookings everywhere and publishes available; live and confirmed stay', async () => {
    const trip = newTrip();
    await load(trip);
    const now = await redisNowMs();
    const expiredHold = entry('u1', [1, 2], 'H', now - 5_000, FIRST_TWO);
    const expiredPending = entry('u2', [3], 'P', now - 1_000, LAST_TWO);
    const liveHold = entry('u1', [2], 'H', now + 60_000, LAST_TWO);
    const confirmed = entry('u3', [4], 'C', 0);
    for (const e of [expiredHold, expiredPending, liveHold, confirmed]) await seats.upsert(trip, e);
    await eventsOf(trip, 4);

    expect(await seats.sweep(trip)).toBe(2);
    expect(await raw.seat(trip, 1)).toBeNull();
    expect(((await raw.seat(trip, 2)) as { b: string }[]).map((e) => e.b)).toEqual([liveHold.bookingId]);
    expect(await raw.seat(trip, 3)).toBeNull();
    expect(await raw.seat(trip, 4)).toEqual([{ b: confirmed.bookingId, m: ALL, e: 0, s: 'C' }]);
    expect(((await raw.user(trip, 'u1')) as { b: string }[]).map((u) => u.b)).toEqual([liveHold.bookingId]);
    expect(await raw.user(trip, 'u2')).toBeNull();
    for (const gone of [expiredHold, expiredPending]) {
      expect(await raw.meta(trip, gone.bookingId)).toBeNull();
      expect(await raw.expiry(trip, gone.bookingId)).toBeNull();
    }
    expect(await raw.expiry(trip, liveHold.bookingId)).toBe(liveHold.expiresAtMs);
    expect(await raw.meta(trip, confirmed.bookingId)).not.toBeNull();
    const events = await eventsOf(trip, 6);
    expect(events.slice(4)).toEqual([
      { tripId: trip, seatIds: [1, 2], status: 'available', from: 'DHK', to: 'CTG' },
      { tripId: trip, seatIds: [3], status: 'available', from: 'DHK', to: 'CTG' },
    ]);
    expect(await seats.sweep(trip)).toBe(0);
  });

  it('sweeps at most `limit` bookings a call, oldest first, and drops an expiry entry whose meta is gone', async () => {
    const trip = newTrip();
    await load(trip);
    const now = await redisNowMs();
    const oldest = entry('u1', [1], 'H', now - 3_000);
    const older = entry('u2', [2], 'H', now - 2_000);
    for (const e of [oldest, older]) await seats.upsert(trip, e);
    await redis.zadd(seats.keys(trip).expiry, now - 10_000, 'orphan');

    expect(await seats.sweep(trip, 2)).toBe(2);
    expect(await redis.zscore(seats.keys(trip).expiry, 'orphan')).toBeNull();
    expect(await raw.seat(trip, 1)).toBeNull();
    expect(await raw.seat(trip, 2)).not.toBeNull();
    expect(await seats.sweep(trip, 2)).toBe(1);
    expect(await raw.seat(trip, 2)).toBeNull();
    expect(await redis.zcard(seats.keys(trip).expiry)).toBe(0);
  });
});

describe('trip-snapshot.lua', () => {
  it('is null for a trip Redis does not have', async () => {
    expect(await seats.snapshot(newTrip())).toBeNull();
  });

  it("gives Redis's clock, the generation and the live entries only", async () => {
    const trip = newTrip();
    await load(trip, 'gen-S');
    const now = await redisNowMs();
    const live = hold(trip, 'u1', [1, 2], FIRST_TWO);
    const held = await live.result;
    if (held.kind !== 'held') throw new Error('not held');
    const expired = entry('u2', [2, 3], 'H', now - 1_000, LAST_TWO);
    const confirmed = entry('u3', [3], 'C', 0, FIRST_TWO);
    await seats.upsert(trip, expired);
    await seats.upsert(trip, confirmed);

    const snapshot = await seats.snapshot(trip);
    expect(snapshot).not.toBeNull();
    expect(snapshot!.generation).toBe('gen-S');
    expect(snapshot!.nowMs).toBeGreaterThanOrEqual(held.nowMs);
    expect(Math.abs(snapshot!.nowMs - Date.now())).toBeLessThan(60_000);
    const h = { bookingId: live.bookingId, mask: FIRST_TWO, expiresAtMs: held.expiresAtMs, state: 'H' };
    expect(new Map([...snapshot!.seats].sort(([a], [b]) => a - b))).toEqual(
      new Map([
        [1, [h]],
        [2, [h]],
        [3, [{ bookingId: confirmed.bookingId, mask: FIRST_TWO, expiresAtMs: 0, state: 'C' }]],
      ]),
    );
    // A seat with nothing but an expired entry is left out altogether.
    await seats.release(trip, { ...confirmed });
    expect([...(await seats.snapshot(trip))!.seats.keys()].sort()).toEqual([1, 2]);
  });
});

describe('loading', () => {
  it('defines the scripts once per client: a second SeatInventory on the same client shares them', async () => {
    const trip = newTrip();
    const again = new SeatInventory(redis, prefix);
    await again.rebuildBatch(trip, 'gen-1', [], true);
    expect(await seats.isLoaded(trip)).toBe(true);
    expect((await hold(trip, 'u1', [1]).result).kind).toBe('held');
  });
});
