/**
 * seat-allocate.lua (common.lua's allocate()) against the real Redis, through SeatInventory: every branch
 * (not loaded, no layout, together, apart, nearest, not enough with seatsLeft, limit, preference, coach, legs).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createRedis, type Redis } from '@rail/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classLayouts } from '../../src/inventory/trip-catalog.js';
import { SeatInventory, type AllocateResult } from '../../src/redis/seat-inventory.js';
import { makeInventory } from '../helpers/fixtures.js';
import { deleteKeys } from '../helpers/harness.js';

const prefix = `test:booking:seat-allocate:${randomBytes(4).toString('hex')}:`;
let redis: Redis;
let seats: SeatInventory;
let lastTrip = 0;
const ALL = 0b1111;

// Coach KA: rows 1-2 (seats 1-8), coach KHA: row 1 (seats 9-12); columns 1 and 4 at the windows, the aisle between 2 and 3.
const layout = (): Map<string, ReturnType<typeof classLayouts> extends Map<string, infer L> ? L : never> => {
  const inv = makeInventory(1, { coaches: 1, seatsPerCoach: 8 });
  const ka = inv.coaches[0]!;
  const coaches = [
    { ...ka, seats: ka.seats.map((s, i) => ({ ...s, seatId: i + 1 })) },
    { ...ka, coachId: 2, code: 'KHA', seats: ka.seats.slice(0, 4).map((s, i) => ({ ...s, seatId: 9 + i })) },
  ];
  return classLayouts({ ...inv, coaches }) as never;
};

beforeAll(() => {
  redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'booking-seat-allocate-test' });
  seats = new SeatInventory(redis, prefix);
});
afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
});

async function newTrip(withLayout = true): Promise<number> {
  const trip = 500 + ++lastTrip;
  await seats.rebuildBatch(trip, 'g1', [], true);
  if (withLayout) await seats.writeLayout(trip, layout());
  return trip;
}

function allocate(
  trip: number,
  userId: string,
  count: number,
  extra: Partial<{
    together: 'yes' | 'no' | 'auto';
    preference: 'window' | 'aisle' | '';
    coach: string;
    mask: number;
    limit: number;
  }> = {},
): Promise<AllocateResult> {
  return seats.allocate({
    tripId: trip,
    bookingId: randomUUID(),
    userId,
    mask: extra.mask ?? ALL,
    ttlMs: 60_000,
    limit: extra.limit ?? 4,
    from: 'DHK',
    to: 'CTG',
    seatClass: 'SHOVAN',
    count,
    together: extra.together ?? 'auto',
    preference: extra.preference ?? '',
    coach: extra.coach ?? '',
  });
}

const held = (r: AllocateResult): number[] => {
  if (r.kind !== 'held') throw new Error(`expected held, got ${JSON.stringify(r)}`);
  return r.seatIds;
};
const take = (trip: number, user: string, ids: number[], mask = ALL) =>
  seats.hold({
    tripId: trip,
    bookingId: randomUUID(),
    userId: user,
    seatIds: ids,
    mask,
    ttlMs: 60_000,
    limit: 4,
    from: 'DHK',
    to: 'CTG',
  });

describe('seat-allocate.lua', () => {
  it('answers not-loaded for a trip Redis does not have, and no-layout before the layout is written', async () => {
    expect(await allocate(499, 'u', 1)).toEqual({ kind: 'not-loaded' });
    const trip = await newTrip(false);
    expect(await allocate(trip, 'u', 1)).toEqual({ kind: 'no-layout' });
  });

  it('holds a pair side by side on one side of the aisle, first in the train order, and writes a normal hold', async () => {
    const trip = await newTrip();
    const r = await allocate(trip, 'u1', 2);
    expect(held(r)).toEqual([1, 2]);
    expect((await seats.snapshot(trip))!.seats.get(1)![0]).toMatchObject({ state: 'H', mask: ALL });
    expect(held(await allocate(trip, 'u2', 2))).toEqual([3, 4]);
  });

  it('keeps a group of four in one row, skipping a row with a taken seat', async () => {
    const trip = await newTrip();
    expect((await take(trip, 'x', [2])).kind).toBe('held');
    expect(held(await allocate(trip, 'u1', 4))).toEqual([5, 6, 7, 8]);
  });

  it('together=yes refuses (apart, with seatsLeft) when no row has them side by side; auto falls back to the nearest', async () => {
    const trip = await newTrip();
    // Leave one free seat per row: 1, 5, 9.
    for (const [u, ids] of [
      ['a', [2, 3, 4]],
      ['b', [6, 7, 8]],
      ['c', [10, 11, 12]],
    ] as const)
      expect((await take(trip, u, [...ids])).kind).toBe('held');
    expect(await allocate(trip, 'u1', 2, { together: 'yes' })).toEqual({ kind: 'apart', seatsLeft: 3 });
    expect(held(await allocate(trip, 'u1', 2, { together: 'auto' }))).toEqual([1, 5]);
  });

  it('answers not-enough with the free seats of the class for the segment, holding nothing', async () => {
    const trip = await newTrip();
    expect((await take(trip, 'a', [1, 2, 3, 4])).kind).toBe('held');
    expect((await take(trip, 'b', [5, 6, 7, 8])).kind).toBe('held');
    expect((await take(trip, 'c', [9, 10, 11], 0b0011)).kind).toBe('held');
    expect(await allocate(trip, 'u1', 2)).toEqual({ kind: 'not-enough', seatsLeft: 1 });
    // On the last two legs seats 9-11 are free too.
    expect(held(await allocate(trip, 'u1', 4, { mask: 0b1100 }))).toEqual([9, 10, 11, 12]);
  });

  it('counts the per-user limit with what the user already holds', async () => {
    const trip = await newTrip();
    held(await allocate(trip, 'u1', 3));
    expect(await allocate(trip, 'u1', 2)).toEqual({ kind: 'limit', used: 3 });
    held(await allocate(trip, 'u1', 1));
  });

  it('honours a window or aisle preference for one seat and a pair, and limits the choice to a coach', async () => {
    const trip = await newTrip();
    expect(held(await allocate(trip, 'u1', 1, { preference: 'aisle' }))).toEqual([2]);
    expect(held(await allocate(trip, 'u2', 1, { preference: 'window' }))).toEqual([1]);
    expect(held(await allocate(trip, 'u3', 1, { together: 'no', preference: 'window' }))).toEqual([4]);
    expect(held(await allocate(trip, 'u4', 2, { coach: 'KHA' }))).toEqual([9, 10]);
    expect(await allocate(trip, 'u5', 3, { coach: 'KHA' })).toEqual({ kind: 'not-enough', seatsLeft: 2 });
  });
});
