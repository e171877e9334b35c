/**
 * auditTrip against the real PostgreSQL and Redis: silent when they agree, and each kind of difference
 * named when they do not (missing in Redis, extra in Redis, a state mismatch, a trip Redis lost), and the same for
 * the waitlist's line against PostgreSQL's WAITING entries.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryOf, findBooking } from '../../src/db/bookings-repo.js';
import { tripDataKeys } from '../../src/redis/seat-inventory.js';
import { auditTrip } from '../../src/use-cases/audit-trip.js';
import { selectSeats } from '../../src/use-cases/select-seats.js';
import { joinWaitlist } from '../../src/use-cases/waitlist.js';
import { makeInventory } from '../helpers/fixtures.js';
import { user } from '../helpers/flows.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const trip = makeInventory(62);
const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
const small = makeInventory(63, { coaches: 1, seatsPerCoach: 4, start: tomorrow });
const seat = (n: number): number => trip.coaches[0]!.seats[n]!.seatId;
let h: Harness;

beforeAll(async () => {
  h = await startHarness([trip, small]);
});
afterAll(() => h?.close());

describe('auditTrip', () => {
  it('finds nothing when Redis matches PostgreSQL, and names each difference when it does not', async () => {
    const held = await selectSeats(h.deps, user('audited'), { tripId: 62, seatIds: [seat(0), seat(1)] });
    expect(await auditTrip(h.deps, 62)).toEqual([]);
    const row = (await findBooking(h.pool, held.bookingId))!;
    const entry = entryOf(row);

    // Redis forgot the hold: both seats are reported missing.
    await h.deps.seats.release(62, entry);
    expect(await auditTrip(h.deps, 62)).toEqual([
      expect.objectContaining({ kind: 'missing-in-redis', seatId: seat(0), bookingId: held.bookingId }),
      expect.objectContaining({ kind: 'missing-in-redis', seatId: seat(1), bookingId: held.bookingId }),
    ]);

    // Redis has it in another state than PostgreSQL.
    await h.deps.seats.upsert(62, { ...entry, state: 'P' });
    const mismatches = await auditTrip(h.deps, 62);
    expect(mismatches).toHaveLength(2);
    expect(mismatches.every((d) => d.kind === 'mismatch' && d.bookingId === held.bookingId)).toBe(true);
    await h.deps.seats.upsert(62, entry);
    expect(await auditTrip(h.deps, 62)).toEqual([]);

    // Redis has a booking PostgreSQL does not.
    const ghost = randomUUID();
    await h.deps.seats.upsert(62, { ...entry, bookingId: ghost, userId: 'ghost', seatIds: [seat(5)] });
    expect(await auditTrip(h.deps, 62)).toEqual([
      expect.objectContaining({ kind: 'extra-in-redis', seatId: seat(5), bookingId: ghost }),
    ]);

    // Redis lost the whole trip.
    await h.redis.del(...tripDataKeys(h.deps.seats.keys(62)));
    expect(await auditTrip(h.deps, 62)).toEqual([expect.objectContaining({ kind: 'not-loaded' })]);
  });

  it("compares Redis's waitlist line with PostgreSQL's WAITING entries", async () => {
    const seats = small.coaches[0]!.seats.map((x) => x.seatId);
    await selectSeats(h.deps, user('holder-a'), { tripId: 63, seatIds: seats.slice(0, 2) });
    await selectSeats(h.deps, user('holder-b'), { tripId: 63, seatIds: seats.slice(2) });
    const first = await joinWaitlist(h.deps, user('waiting-1'), { tripId: 63, class: 'SHOVAN', count: 1 });
    const second = await joinWaitlist(h.deps, user('waiting-2'), { tripId: 63, class: 'SHOVAN', count: 2 });
    expect(await auditTrip(h.deps, 63)).toEqual([]);

    const k = h.deps.seats.keys(63);
    // A stored entry that says something else than PostgreSQL (two seats instead of one, out of its place).
    const stored = JSON.parse((await h.redis.hget(k.wl, first.waitlistId))!) as Record<string, unknown>;
    await h.redis.hset(k.wl, first.waitlistId, JSON.stringify({ ...stored, n: 2 }));
    await h.redis.zadd(k.waitlist, 999, first.waitlistId);
    const mismatch = await auditTrip(h.deps, 63);
    expect(mismatch).toEqual([expect.objectContaining({ kind: 'waitlist-mismatch', waitlistId: first.waitlistId })]);
    expect(mismatch[0]!.detail).toMatch(/seq Redis 999.*count Redis 2, PostgreSQL 1/);
    await h.redis.hset(k.wl, first.waitlistId, JSON.stringify(stored));

    // Redis lost an entry from its line, and has one PostgreSQL does not.
    await h.redis.zrem(k.waitlist, first.waitlistId);
    const ghost = randomUUID();
    await h.redis.zadd(k.waitlist, 5, ghost);
    expect(await auditTrip(h.deps, 63)).toEqual([
      expect.objectContaining({ kind: 'waitlist-missing-in-redis', waitlistId: first.waitlistId }),
      expect.objectContaining({ kind: 'waitlist-extra-in-redis', waitlistId: ghost }),
    ]);
    expect(second.status).toBe('WAITING');
  });
});
