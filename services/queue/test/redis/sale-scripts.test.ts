/** The sale scripts against the real Redis (own key prefix): places, the draw, admission, check-ins, sold out. */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { SaleStore, type TickInput } from '../../src/redis/sale-store.js';
import { deleteKeys, OPENS_AT, SALE, testPrefix, testRedis } from '../helpers.js';

const redis = testRedis();
const prefix = testPrefix('scripts');
let store: SaleStore;
let n = 0;

afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

beforeEach(() => {
  store = new SaleStore(redis, `${prefix}${n++}:`);
});

const tick = (over: Partial<TickInput> = {}): TickInput => ({
  nowMs: OPENS_AT,
  graceMs: 60_000,
  active: true,
  reason: 'scheduled',
  rate: 10,
  activeShoppers: 100,
  passTtlMs: 600_000,
  seatsLeft: null,
  maxStepMs: 1_000,
  turnoverGuess: 1 / 120,
  ...over,
});

const join = (userId: string, nowMs: number, phone: string | null = null) =>
  store.join(SALE, { userId, phone, nowMs, ruleOpensAtMs: OPENS_AT });

/** An active room before the opening (one tick marks it active). */
async function openRoom(nowMs = OPENS_AT - 60_000): Promise<void> {
  await store.tick(SALE, tick({ nowMs }));
}

describe('joining', () => {
  it('answers "open" while no room is active, and joins nobody', async () => {
    expect((await join('u1', OPENS_AT)).kind).toBe('open');
    expect((await store.read(SALE)).queued).toBe(0);
  });

  it('keeps one place per account: a second join answers the same place', async () => {
    await openRoom(OPENS_AT + 1);
    const first = await join('u1', OPENS_AT + 2);
    await join('u2', OPENS_AT + 3);
    const again = await join('u1', OPENS_AT + 4);
    expect(first).toMatchObject({ kind: 'queued', position: 1, ahead: 0 });
    expect(again).toMatchObject({ kind: 'queued', position: 1 });
    expect((await store.read(SALE)).queued).toBe(2);
  });

  it('keeps one place per verified phone: another account with it is refused, and leaving frees it', async () => {
    await openRoom(OPENS_AT + 1);
    expect((await join('u1', OPENS_AT + 2, '+8801711111111')).kind).toBe('queued');
    expect(await join('u2', OPENS_AT + 3, '+8801711111111')).toEqual({ kind: 'phone-taken' });
    expect((await join('u2', OPENS_AT + 3, '+8801722222222')).kind).toBe('queued');
    expect(await store.leave(SALE, 'u1', OPENS_AT + 4)).toEqual({ existed: true, endedPass: false });
    expect((await join('u3', OPENS_AT + 5, '+8801711111111')).kind).toBe('queued');
  });

  it('puts joins before the opening in the pre-queue and later ones behind the drawn pre-queue', async () => {
    await openRoom();
    expect((await join('early1', OPENS_AT - 50_000)).kind).toBe('pre');
    expect((await join('early2', OPENS_AT - 40_000)).kind).toBe('pre');
    // After the opening, before the draw: queued behind every pre-queue place.
    expect(await join('late', OPENS_AT + 10)).toMatchObject({ kind: 'queued', position: 1 });
    expect(await store.open(SALE, ['early2', 'gone', 'early1'])).toBe(2);
    expect(await store.open(SALE, ['early1'])).toBe(-1);
    expect(await store.status(SALE, 'early2', OPENS_AT + 20)).toMatchObject({ kind: 'queued', position: 1 });
    expect(await store.status(SALE, 'early1', OPENS_AT + 20)).toMatchObject({ kind: 'queued', position: 2 });
    expect(await store.status(SALE, 'late', OPENS_AT + 20)).toMatchObject({ kind: 'queued', position: 3, ahead: 2 });
    expect(await join('later', OPENS_AT + 30)).toMatchObject({ kind: 'queued', position: 4 });
  });
});

describe('admission', () => {
  it('never admits faster than the rate, carrying fractions between ticks, nor past the shopper cap', async () => {
    await openRoom(OPENS_AT + 1);
    for (let i = 0; i < 50; i++) await join(`u${i}`, OPENS_AT + 2);
    let now = OPENS_AT + 1;
    let admitted = 0;
    // 40 ticks of 250 ms at 2.5/s: 10 s, at most 25 admissions.
    for (let i = 0; i < 40; i++) {
      now += 250;
      admitted += (await store.tick(SALE, tick({ nowMs: now, rate: 2.5 }))).admitted;
    }
    expect(admitted).toBeGreaterThanOrEqual(24);
    expect(admitted).toBeLessThanOrEqual(25);
    // A late tick (10 s gap) admits at most rate x the longest step, not a burst.
    now += 10_000;
    expect((await store.tick(SALE, tick({ nowMs: now, rate: 2.5 }))).admitted).toBeLessThanOrEqual(3);
    // The cap: with 30 shoppers allowed, whatever the rate, at most 30 hold passes.
    now += 1_000;
    const r = await store.tick(SALE, tick({ nowMs: now, rate: 1_000, activeShoppers: 30 }));
    expect(r.active).toBe(30);
  });

  it('admits from the head with a pass that expires, after which the place is gone', async () => {
    await openRoom(OPENS_AT + 1);
    await join('a', OPENS_AT + 2);
    await join('b', OPENS_AT + 3);
    const r = await store.tick(SALE, tick({ nowMs: OPENS_AT + 101, rate: 10, passTtlMs: 5_000, maxStepMs: 100 }));
    expect(r.admitted).toBe(1);
    const a = await store.status(SALE, 'a', OPENS_AT + 200);
    expect(a).toMatchObject({ kind: 'admitted', position: 0, passExpiresAtMs: OPENS_AT + 5_101, jti: '1' });
    expect(await store.status(SALE, 'b', OPENS_AT + 200)).toMatchObject({ kind: 'queued', position: 1 });
    // A re-join of an admitted user answers the same pass.
    expect(await join('a', OPENS_AT + 300)).toMatchObject({ kind: 'admitted', jti: '1' });
    await store.tick(SALE, tick({ nowMs: OPENS_AT + 5_200, rate: 0, passTtlMs: 5_000 }));
    expect((await store.status(SALE, 'a', OPENS_AT + 5_300)).kind).toBe('none');
  });

  it("admits nobody before the draw's admitFrom (the pre-queue's spread first check-ins), then from the head", async () => {
    await openRoom();
    for (const u of ['p1', 'p2', 'p3']) await join(u, OPENS_AT - 1_000);
    expect(await store.open(SALE, ['p2', 'p3', 'p1'], OPENS_AT + 3_000)).toBe(3);
    expect((await store.tick(SALE, tick({ nowMs: OPENS_AT + 1_000, rate: 100 }))).admitted).toBe(0);
    expect((await store.tick(SALE, tick({ nowMs: OPENS_AT + 2_999, rate: 100 }))).admitted).toBe(0);
    expect(await store.status(SALE, 'p1', OPENS_AT + 2_999)).toMatchObject({
      kind: 'queued',
      position: 3,
      room: { admitFromMs: OPENS_AT + 3_000 },
    });
    expect((await store.tick(SALE, tick({ nowMs: OPENS_AT + 3_250, rate: 100 }))).admitted).toBe(3);
    expect((await store.status(SALE, 'p2', OPENS_AT + 3_251)).kind).toBe('admitted');
  });

  it('places a second draw (an opening moved and drawn again) after the first draw, ahead of later arrivals', async () => {
    await openRoom();
    await join('a1', OPENS_AT - 1_000);
    await join('a2', OPENS_AT - 1_000);
    expect(await store.open(SALE, ['a2', 'a1'])).toBe(2);
    await join('late', OPENS_AT + 500);
    // The opening is moved to later (an operator's PUT sets it and clears the draw): joins form a pre-queue again.
    await redis.hset(store.keys(SALE).room, 'opensAt', String(OPENS_AT + 1_000));
    await redis.hdel(store.keys(SALE).room, 'shuffled');
    await join('b1', OPENS_AT + 600);
    expect((await store.status(SALE, 'b1', OPENS_AT + 600)).kind).toBe('pre');
    expect(await store.open(SALE, ['b1'])).toBe(3);
    const order = await redis.zrange(store.keys(SALE).queue, 0, -1);
    expect(order).toEqual(['a2', 'a1', 'b1', 'late']);
  });

  it('tells a pre-queue place how large the pre-queue is', async () => {
    await openRoom();
    for (const u of ['p1', 'p2', 'p3']) await join(u, OPENS_AT - 1_000);
    expect(await store.status(SALE, 'p2', OPENS_AT - 500)).toMatchObject({ kind: 'pre', preQueued: 3 });
  });

  it('gives nobody a pass while the pre-queue is not drawn', async () => {
    await openRoom();
    await join('early', OPENS_AT - 1_000);
    expect((await store.tick(SALE, tick({ nowMs: OPENS_AT + 1_000, rate: 100 }))).admitted).toBe(0);
    await store.open(SALE, ['early']);
    expect((await store.tick(SALE, tick({ nowMs: OPENS_AT + 2_000, rate: 100 }))).admitted).toBe(1);
  });
});

describe("the waits' figures the tick keeps", () => {
  const w = Math.exp(-1_000 / 15_000); // the turnover's decay over one second

  it('stores the cap and the free slots, and the guess as the turnover until someone leaves', async () => {
    await openRoom(OPENS_AT + 1);
    for (let i = 0; i < 7; i++) await join(`u${i}`, OPENS_AT + 2);
    const first = await store.tick(SALE, tick({ nowMs: OPENS_AT + 1_001, rate: 100, activeShoppers: 4 }));
    expect(first).toMatchObject({ admitted: 4, active: 4 });
    expect(first.turnover).toBeCloseTo(1 / 120, 12);
    expect(await store.status(SALE, 'u6', OPENS_AT + 1_100)).toMatchObject({
      kind: 'queued',
      ahead: 2,
      room: { capacity: 4, free: 0, turnover: 1 / 120, rate: 100 },
    });
    // A second with nobody leaving: still nothing measured, the guess stands.
    const quiet = await store.tick(SALE, tick({ nowMs: OPENS_AT + 2_001, rate: 100, activeShoppers: 4 }));
    expect(quiet.turnover).toBeCloseTo(1 / 120, 12);
  });

  it('measures departures (left, bought, expired) per shopper-second from the first one on, decaying', async () => {
    await openRoom(OPENS_AT + 1);
    for (let i = 0; i < 8; i++) await join(`u${i}`, OPENS_AT + 2);
    // The first four passes last 3 s (the later ones the usual 10 minutes).
    await store.tick(SALE, tick({ nowMs: OPENS_AT + 1_000, rate: 100, activeShoppers: 4, passTtlMs: 3_000 }));
    // Two of the four shoppers leave (a leave, and a purchase ends a pass the same way) within the next second.
    await store.leave(SALE, 'u0', OPENS_AT + 1_300);
    await store.leave(SALE, 'u1', OPENS_AT + 1_600);
    const measured = await store.tick(SALE, tick({ nowMs: OPENS_AT + 2_000, rate: 100, activeShoppers: 4 }));
    // 2 departures over 4 shoppers x 1 s; the two free slots went to the next in line.
    expect(measured).toMatchObject({ admitted: 2, active: 4 });
    expect(measured.turnover).toBeCloseTo(2 / 4, 10);
    const room = (await store.read(SALE)).room;
    expect(room).toMatchObject({ cap: '4', nact: '4', free: '0' });
    // A quiet second: the departures fade, the exposure grows.
    const later = await store.tick(SALE, tick({ nowMs: OPENS_AT + 3_000, rate: 100, activeShoppers: 4 }));
    expect(later.turnover).toBeCloseTo((2 * w) / (4 * w + 4), 10);
    expect((await store.status(SALE, 'u7', OPENS_AT + 3_100)).room.turnover).toBeCloseTo(later.turnover, 10);
    // Passes that expire are departures too: the first two admitted end together.
    const expiry = await store.tick(SALE, tick({ nowMs: OPENS_AT + 4_000, rate: 0, activeShoppers: 4 }));
    expect(expiry).toMatchObject({ expired: 2, active: 2 });
    expect(expiry.turnover).toBeCloseTo((2 * w * w + 2) / ((4 * w + 4) * w + 4), 10);
  });
});

describe('check-ins', () => {
  it('drops a waiting place not checked in within the grace period; a checked-in one stays', async () => {
    await openRoom(OPENS_AT + 1);
    await join('stalled', OPENS_AT + 2, '+8801733333333');
    await join('alive', OPENS_AT + 3);
    await store.status(SALE, 'alive', OPENS_AT + 50_000);
    const r = await store.tick(SALE, tick({ nowMs: OPENS_AT + 61_000, rate: 0 }));
    expect(r.dropped).toBe(1);
    expect((await store.status(SALE, 'stalled', OPENS_AT + 61_100)).kind).toBe('none');
    expect(await store.status(SALE, 'alive', OPENS_AT + 61_100)).toMatchObject({ kind: 'queued', position: 1 });
    // The phone is free again: the stalled user may join again, at the back.
    expect(await join('stalled', OPENS_AT + 61_200, '+8801733333333')).toMatchObject({ kind: 'queued', position: 2 });
  });
});

describe('sold out', () => {
  it('empties the room at once: everyone waiting is told sold out, passes already held stay', async () => {
    await openRoom(OPENS_AT + 1);
    await join('holder', OPENS_AT + 2);
    await store.tick(SALE, tick({ nowMs: OPENS_AT + 1_001, rate: 1 }));
    for (let i = 0; i < 20; i++) await join(`w${i}`, OPENS_AT + 1_002);
    const r = await store.tick(SALE, tick({ nowMs: OPENS_AT + 1_100, seatsLeft: 0 }));
    expect(r).toMatchObject({ soldOut: true, queued: 0, preQueued: 0, admitted: 0, active: 1 });
    expect((await store.status(SALE, 'w7', OPENS_AT + 1_200)).kind).toBe('sold-out');
    expect((await join('newcomer', OPENS_AT + 1_200)).kind).toBe('sold-out');
    expect((await store.status(SALE, 'holder', OPENS_AT + 1_200)).kind).toBe('admitted');
    expect((await store.read(SALE)).room.seatsLeft).toBe('0');
    // Seats freed later (holds expired) open joins again.
    await store.tick(SALE, tick({ nowMs: OPENS_AT + 2_000, seatsLeft: 3 }));
    expect((await join('newcomer', OPENS_AT + 2_100)).kind).toBe('queued');
  });
});

describe('leaving', () => {
  it('records a live pass as ended and frees the place', async () => {
    await openRoom(OPENS_AT + 1);
    await join('a', OPENS_AT + 2);
    await store.tick(SALE, tick({ nowMs: OPENS_AT + 1_001, rate: 1 }));
    expect(await store.leave(SALE, 'a', OPENS_AT + 1_100)).toEqual({ existed: true, endedPass: true });
    expect(await redis.zrange(store.keys(SALE).ended, 0, -1)).toEqual(['1']);
    expect((await store.status(SALE, 'a', OPENS_AT + 1_200)).kind).toBe('none');
    expect(await store.leave(SALE, 'a', OPENS_AT + 1_300)).toEqual({ existed: false, endedPass: false });
  });

  it('an inactive room keeps no waiting places', async () => {
    await openRoom(OPENS_AT + 1);
    await join('a', OPENS_AT + 2);
    await store.tick(SALE, tick({ nowMs: OPENS_AT + 3, active: false, rate: 0 }));
    expect((await store.read(SALE)).queued).toBe(0);
    expect((await store.status(SALE, 'a', OPENS_AT + 4)).kind).toBe('open');
  });
});

describe('the leader lease', () => {
  it('is held by one token at a time and renewed by its holder', async () => {
    expect(await store.lead('one', 1_000)).toBe(true);
    expect(await store.lead('two', 1_000)).toBe(false);
    expect(await store.lead('one', 1_000)).toBe(true);
  });
});

it('keeps every key of a sale under one hash tag', () => {
  const keys = Object.values(new SaleStore(redis, 'p:').keys(SALE));
  for (const k of keys) expect(k.startsWith(`p:{sale:${SALE}}:`)).toBe(true);
});
