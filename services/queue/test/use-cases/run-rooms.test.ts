/**
 * The admission job against the real Redis: booking's load adapts the rate and sustained overload switches a room
 * on for every date on sale; seats left comes from the seats source and sold out empties the room; one leader.
 */
import type { Redis } from '@rail/redis';
import { afterAll, describe, expect, it } from 'vitest';
import type { BookingLoad } from '../../src/domain/admission.js';
import { createRoomsJob, type RoomsJobOptions } from '../../src/use-cases/run-rooms.js';
import { deleteKeys, OPENS_AT, SALE, testClock, testDeps, testPrefix, testRedis } from '../helpers.js';

const redis: Redis = testRedis();
const prefix = testPrefix('rooms');
afterAll(async () => {
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

function setup(name: string, start: number, over: Partial<RoomsJobOptions> = {}) {
  const clock = testClock(start);
  const deps = testDeps(redis, `${prefix}${name}:`, clock);
  let load: BookingLoad | null = null;
  let seats: number | null = 100;
  const job = createRoomsJob({
    deps,
    seats: { seatsLeft: async () => seats, close: async () => undefined },
    load: { sample: async () => load },
    thresholds: { p95Ms: 300, errorShare: 0.02 },
    saturationSamples: 2,
    calmSamples: 2,
    tickMs: 250,
    seatsRefreshMs: 0,
    loadSampleMs: 0,
    expectedShoppingSeconds: 120,
    logger: deps.logger,
    ...over,
  });
  return {
    clock,
    deps,
    job,
    setLoad: (l: BookingLoad | null) => void (load = l),
    setSeats: (s: number | null) => void (seats = s),
  };
}

describe('the admission job', () => {
  // A day after the opening of SALE: it is on sale, no scheduled room.
  const later = OPENS_AT + 86_400_000;
  const overloaded = { p95Ms: 900, errorShare: 0.01, requests: 500 };
  const calm = { p95Ms: 20, errorShare: 0, requests: 500 };

  it('halves the rate under overload and switches rooms on for the dates on sale once it is sustained', async () => {
    const { job, setLoad, deps } = setup('saturation', later);
    setLoad(overloaded);
    await job.run();
    expect(job.state()).toMatchObject({ factor: 0.5, saturation: { saturated: false } });
    expect(await deps.store.activeRooms()).toEqual([]);
    await job.run();
    expect(job.state().saturation.saturated).toBe(true);
    const active = await deps.store.activeRooms();
    expect(active).toContain(SALE);
    expect(active).toContain('2026-12-01');
    expect((await deps.store.read(SALE)).room).toMatchObject({ active: '1', reason: 'saturation', rate: '2.5' });
    // Calm again, nobody waiting: the rooms end and the rate climbs back.
    setLoad(calm);
    await job.run();
    await job.run();
    expect(job.state().saturation.saturated).toBe(false);
    expect(job.state().factor).toBeCloseTo(0.45); // 0.25 after two halvings, +0.1 per calm sample
    expect(await deps.store.activeRooms()).toEqual([]);
  });

  it('stores seats left and empties a sold-out room at once', async () => {
    const { job, deps, clock, setSeats } = setup('seats', OPENS_AT - 60_000);
    await job.run();
    const first = (await deps.store.read(SALE)).room;
    expect(first.seatsLeft).toBe('100');
    // Nobody has shopped yet: the waits' estimate starts from the configured 120 s of shopping, and the cap.
    expect(Number(first.turnover)).toBeCloseTo(1 / 120, 12);
    expect(first).toMatchObject({ cap: '100', free: '100' });
    clock.set(OPENS_AT + 1);
    for (let i = 0; i < 5; i++)
      await deps.store.join(SALE, { userId: `u${i}`, phone: null, nowMs: clock.now(), ruleOpensAtMs: OPENS_AT });
    setSeats(0);
    await job.run();
    const snap = await deps.store.read(SALE);
    expect(snap).toMatchObject({ queued: 0, preQueued: 0 });
    expect((await deps.store.status(SALE, 'u3', clock.now())).kind).toBe('sold-out');
    // Seats unknown (train did not answer): the last number stays.
    setSeats(null);
    await job.run();
    expect((await deps.store.read(SALE)).room.seatsLeft).toBe('0');
  });

  it('draws the pre-queue at the opening and admits once its spread first check-ins are over', async () => {
    const { job, deps, clock } = setup('spread', OPENS_AT - 60_000);
    // 2 check-ins a second: 5 places take three one-second slots, so admission begins 2 s after the draw.
    deps.openingCheckinsPerSecond = 2;
    await job.run();
    clock.set(OPENS_AT - 30_000);
    for (let i = 0; i < 5; i++)
      await deps.store.join(SALE, { userId: `p${i}`, phone: null, nowMs: clock.now(), ruleOpensAtMs: OPENS_AT });
    clock.set(OPENS_AT + 10);
    await job.run();
    expect(await deps.store.read(SALE)).toMatchObject({ preQueued: 0, queued: 5, active: 0 });
    clock.set(OPENS_AT + 2_009);
    await job.run();
    expect((await deps.store.read(SALE)).active).toBe(0);
    clock.set(OPENS_AT + 2_260); // a tick of 250 ms at 10/s: admissions to hand out
    await job.run();
    expect((await deps.store.read(SALE)).active).toBeGreaterThan(0);
  });

  it('runs in one process at a time', async () => {
    const a = setup('leader', later);
    const b = createRoomsJob({
      deps: a.deps,
      seats: { seatsLeft: async () => 1, close: async () => undefined },
      load: null,
      thresholds: { p95Ms: 300, errorShare: 0.02 },
      saturationSamples: 2,
      calmSamples: 2,
      tickMs: 250,
      seatsRefreshMs: 0,
      loadSampleMs: 0,
      expectedShoppingSeconds: 120,
      logger: a.deps.logger,
    });
    expect(await a.job.run()).toBe(true);
    expect(await b.run()).toBe(false);
  });
});
