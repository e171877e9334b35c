import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createRedis, type Redis } from '@rail/redis';
import { createBookingAvailability } from '../../src/availability/booking-availability.js';
import { createSharedCache } from '../../src/cache/shared-cache.js';
import { deleteKeys, logger, startBookingStub, type BookingStub } from '../helpers.js';

let booking: BookingStub;
let redis: Redis;
const prefix = `test:train:${randomBytes(5).toString('hex')}:`;

beforeAll(async () => {
  booking = await startBookingStub();
  redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'train-test' });
});
afterAll(async () => {
  await booking.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});
beforeEach(async () => {
  booking.override = undefined;
  booking.requests.length = 0;
  booking.answer = (q) => ({ held: [q.tripId * 10], booked: [q.tripId * 10 + 1] });
  await deleteKeys(redis, prefix);
});

/** The statuses alone, for comparing answers without their timestamps. */
const statusesOf = (answers: ({ held: number[]; booked: number[]; stale: boolean } | null)[]) =>
  answers.map((a) => (a ? { held: a.held, booked: a.booked } : null));

const source = (overrides: Partial<Parameters<typeof createBookingAvailability>[0]> = {}) =>
  createBookingAvailability({
    bookingUrl: booking.url,
    timeoutMs: 300,
    cacheTtlMs: 1_000,
    backoffMs: 0,
    staleMaxMs: 0,
    cache: createSharedCache(redis, prefix, logger),
    logger,
    ...overrides,
  });

describe('booking availability', () => {
  it('asks once for a whole batch and maps each answer to its query', async () => {
    const before = Date.now();
    const answers = await source().lookup([
      { tripId: 1, from: 'DHK', to: 'CTG' },
      { tripId: 2, from: 'DHK', to: 'CTG' },
    ]);
    for (const a of answers) expect(a).toMatchObject({ stale: false, asOf: expect.any(Number) as number });
    expect(answers[0]!.asOf).toBeGreaterThanOrEqual(before);
    expect(statusesOf(answers)).toEqual([
      { held: [10], booked: [11] },
      { held: [20], booked: [21] },
    ]);
    expect(booking.requests).toHaveLength(1);
  });

  it('serves repeated questions from the cache for about a second, and asks only for what is missing', async () => {
    const availability = source();
    await availability.lookup([{ tripId: 1, from: 'DHK', to: 'CTG' }]);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the cache write is not awaited
    const statuses = await availability.lookup([
      { tripId: 1, from: 'DHK', to: 'CTG' },
      { tripId: 3, from: 'DHK', to: 'CTG' },
    ]);
    expect(statusesOf(statuses)).toEqual([
      { held: [10], booked: [11] },
      { held: [30], booked: [31] },
    ]);
    expect(booking.requests.map((r) => r.queries.map((q) => q.tripId))).toEqual([[1], [3]]);
    const ttl = await redis.pttl(`${prefix}avail:1:DHK:CTG`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(1_000);
  });

  it('shares one call between concurrent lookups of the same segment', async () => {
    const availability = source({ cacheTtlMs: 0 });
    booking.override = {
      status: 200,
      body: { results: [{ tripId: 4, from: 'DHK', to: 'CTG', held: [1], booked: [] }] },
      delayMs: 50,
    };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => availability.lookup([{ tripId: 4, from: 'DHK', to: 'CTG' }])),
    );
    expect(answers.map(statusesOf)).toEqual(Array(10).fill([{ held: [1], booked: [] }]));
    expect(booking.requests).toHaveLength(1);
  });

  it('is unknown (null) when booking is unreachable, slow, failing or off-contract', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const q = [{ tripId: 9, from: 'DHK', to: 'CTG' }];
    expect(await source({ bookingUrl: `http://127.0.0.1:${port}` }).lookup(q)).toEqual([null]);

    booking.override = { status: 200, body: { results: [] }, delayMs: 1_000 };
    const started = Date.now();
    expect(await source().lookup(q)).toEqual([null]);
    expect(Date.now() - started).toBeLessThan(900);

    booking.override = { status: 503, body: {} };
    expect(await source().lookup(q)).toEqual([null]);
    booking.override = { status: 200, body: { results: [{ tripId: 9, from: 'DHK', to: 'CTG', held: ['x'], booked: [] }] } };
    expect(await source().lookup(q)).toEqual([null]);
  });

  it('after a failure answers unknown at once for the backoff period instead of calling again', async () => {
    const availability = source({ backoffMs: 60_000 });
    booking.override = { status: 500, body: {} };
    expect(await availability.lookup([{ tripId: 5, from: 'DHK', to: 'CTG' }])).toEqual([null]);
    booking.override = undefined;
    expect(await availability.lookup([{ tripId: 5, from: 'DHK', to: 'CTG' }])).toEqual([null]);
    expect(booking.requests).toHaveLength(1);
  });

  it('serves the last good answer, marked stale, when booking then times out, and live again once it recovers', async () => {
    const availability = source({ cacheTtlMs: 0, staleMaxMs: 30_000 });
    const q = [
      { tripId: 6, from: 'DHK', to: 'CTG' },
      { tripId: 7, from: 'DHK', to: 'CTG' },
    ];
    const [first] = await availability.lookup(q.slice(0, 1));
    expect(first).toMatchObject({ held: [60], booked: [61], stale: false });

    booking.override = { status: 200, body: { results: [] }, delayMs: 1_000 };
    const during = await availability.lookup(q);
    // Trip 6 was answered before: its answer, marked stale, with its original time. Trip 7 never was.
    expect(during).toEqual([{ held: [60], booked: [61], asOf: first!.asOf, stale: true }, null]);

    booking.override = undefined;
    booking.answer = (s) => ({ held: [], booked: [s.tripId] });
    const [after] = await availability.lookup(q.slice(0, 1));
    expect(after).toMatchObject({ held: [], booked: [6], stale: false });
    expect(after!.asOf).toBeGreaterThan(first!.asOf);
  });

  it('does not serve an answer older than the stale limit', async () => {
    const availability = source({ cacheTtlMs: 0, staleMaxMs: 100 });
    const q = [{ tripId: 8, from: 'DHK', to: 'CTG' }];
    expect((await availability.lookup(q))[0]).not.toBeNull();
    booking.override = { status: 500, body: {} };
    expect((await availability.lookup(q))[0]?.stale).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await availability.lookup(q)).toEqual([null]);
  });

  it('keeps last good answers for a bounded number of segments, dropping the least recently used', async () => {
    const availability = source({ cacheTtlMs: 0, staleMaxMs: 30_000, staleCapacity: 2 });
    const seg = (tripId: number) => [{ tripId, from: 'DHK', to: 'CTG' }];
    await availability.lookup(seg(11));
    await availability.lookup(seg(12));
    await availability.lookup(seg(11)); // 11 is now the most recently used
    await availability.lookup(seg(13)); // evicts 12
    booking.override = { status: 500, body: {} };
    // One segment per lookup: a segment being asked for takes a place in the bounded store while it loads.
    const answers = [
      ...(await availability.lookup(seg(11))),
      ...(await availability.lookup(seg(13))),
      ...(await availability.lookup(seg(12))),
    ];
    expect(answers.map((a) => a?.stale ?? null)).toEqual([true, true, null]);
  });
});
