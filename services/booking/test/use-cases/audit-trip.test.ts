/**
 * auditTrip against the real PostgreSQL and Redis: silent when they agree, and each kind of difference
 * named when they do not (missing in Redis, extra in Redis, a state mismatch, a trip Redis lost).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryOf, findBooking } from '../../src/db/bookings-repo.js';
import { tripDataKeys } from '../../src/redis/seat-inventory.js';
import { auditTrip } from '../../src/use-cases/audit-trip.js';
import { selectSeats } from '../../src/use-cases/select-seats.js';
import { makeInventory } from '../helpers/fixtures.js';
import { user } from '../helpers/flows.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const trip = makeInventory(62);
const seat = (n: number): number => trip.coaches[0]!.seats[n]!.seatId;
let h: Harness;

beforeAll(async () => {
  h = await startHarness([trip]);
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
});
