/**
 * The bookings repository against the real PostgreSQL (a fresh database): a change and its event commit
 * together or not at all, the reference retry, the expiry statements (SKIP LOCKED, the overlap by Redis's
 * clock), and the reads.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, createTestDatabase, withTransaction, type Pool, type TestDatabase } from '@rail/db';
import {
  activeEntries,
  activeTripIds,
  applyChange,
  applyChangeWithUniqueRetry,
  claimRefund,
  expireOverdue,
  expireOverlapping,
  findBooking,
  findStatus,
  insertHold,
  isExclusionViolation,
  listUserBookings,
} from '../../src/db/bookings-repo.js';
import { cancel, confirm, requestOtp, type Booking, type Change, type NewHold } from '../../src/domain/booking.js';
import { legMask } from '../../src/domain/legs.js';
import { migrationDirs } from '../../src/migrate.js';
import { makeInventory } from '../helpers/fixtures.js';

const trip = makeInventory(61);
let db: TestDatabase;
let pool: Pool;
let nextSeat = 0;

beforeAll(async () => {
  db = await createTestDatabase('booking_repo', migrationDirs);
  pool = createPool(db.url, { max: 4 });
});
afterAll(async () => {
  await pool?.end();
  await db?.drop();
});

function newHold(
  options: { userId?: string; seats?: number; fromIndex?: number; toIndex?: number; seatIds?: number[] } = {},
): NewHold {
  const fromIndex = options.fromIndex ?? 0;
  const toIndex = options.toIndex ?? 4;
  const seatIds = options.seatIds ?? Array.from({ length: options.seats ?? 1 }, () => trip.coaches[0]!.seats[nextSeat++]!.seatId);
  return {
    bookingId: randomUUID(),
    userId: options.userId ?? 'repo-user',
    contact: { phone: '+8801711111111', name: 'Repo' },
    tripId: 61,
    segment: {
      from: trip.stops[fromIndex]!.code,
      to: trip.stops[toIndex]!.code,
      fromIndex,
      toIndex,
      mask: legMask(fromIndex, toIndex),
    },
    seats: seatIds.map((seatId) => ({ seatId, label: `S${seatId}`, coach: 'KA', class: 'SHOVAN' as const })),
    amount: 400,
  };
}

/** Inserts a hold expiring `inMs` from now and reads it back. */
async function held(h: NewHold = newHold(), inMs = 300_000): Promise<Booking> {
  await insertHold(pool, h, new Date(Date.now() + inMs));
  return (await findBooking(pool, h.bookingId))!;
}

async function outbox(type: string, bookingId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await pool.query(
    `SELECT envelope FROM outbox WHERE type = $1 AND envelope->'data'->>'bookingId' = $2 ORDER BY occurred_at`,
    [type, bookingId],
  );
  return rows.map((r) => r.envelope.data);
}

async function setStatus(id: string, status: string, extra = ''): Promise<void> {
  await pool.query(`UPDATE bookings SET status = $2${extra} WHERE id = $1`, [id, status]);
}

describe('insertHold', () => {
  it('writes the HELD booking, one seat-leg row per seat and booking.held, atomically', async () => {
    const h = newHold({ seats: 2, fromIndex: 1, toIndex: 3 });
    const b = await held(h);
    expect(b).toMatchObject({ status: 'HELD', from_index: 1, to_index: 3, amount: 400, contact_phone: '+8801711111111' });
    expect(b.seats.map((s) => s.seatId)).toEqual(h.seats.map((s) => s.seatId));
    expect(await outbox('booking.held', h.bookingId)).toEqual([
      expect.objectContaining({ seatIds: h.seats.map((s) => s.seatId) }),
    ]);
    // The same seat-legs again: the exclusion constraint refuses, and nothing of the second hold remains.
    const clash = { ...newHold({ seatIds: [h.seats[0]!.seatId], fromIndex: 2, toIndex: 4 }) };
    const err = await withTransaction(pool, (c) => insertHold(c, clash, new Date(Date.now() + 60_000))).catch((e: unknown) => e);
    expect(isExclusionViolation(err)).toBe(true);
    expect(await findBooking(pool, clash.bookingId)).toBeNull();
    expect(await outbox('booking.held', clash.bookingId)).toEqual([]);
  });
});

describe('applyChange', () => {
  it('sets the status and the change columns (passengers as JSON) and enqueues the event in the same transaction', async () => {
    const b = await held();
    const change = requestOtp(b, {
      phone: '+8801799999999',
      passengers: [{ name: 'Asha', age: 30 }],
      code: '654321',
      codeHash: 'h-654321',
      requestId: 'r-1',
    });
    await withTransaction(pool, (c) => applyChange(c, change));
    expect(await findBooking(pool, b.id)).toMatchObject({
      status: 'HELD',
      passengers: [{ name: 'Asha', age: 30 }],
      otp_hash: 'h-654321',
      otp_sends: 1,
      contact_phone: '+8801799999999',
    });
    expect(await outbox('otp.requested', b.id)).toEqual([expect.objectContaining({ code: '654321', requestId: 'r-1' })]);
  });

  it('leaves neither the change nor its event when the transaction rolls back', async () => {
    const b = await held();
    await setStatus(b.id, 'CONFIRMED', `, payment_id = '${randomUUID()}', reference = 'REPO2345'`);
    const confirmed = (await findBooking(pool, b.id))!;
    const change = cancel(confirmed, 'ROLLED_BACK')!;
    await expect(
      withTransaction(pool, async (c) => {
        await applyChange(c, change);
        throw new Error('after the change');
      }),
    ).rejects.toThrow('after the change');
    expect(await findStatus(pool, b.id)).toBe('CONFIRMED');
    expect(await outbox('booking.cancelled', b.id)).toEqual([]);
    // and committed, both are there; the trigger frees the seat-legs
    await withTransaction(pool, (c) => applyChange(c, change));
    expect(await findBooking(pool, b.id)).toMatchObject({ status: 'CANCELLED', cancel_reason: 'ROLLED_BACK' });
    expect(await outbox('booking.cancelled', b.id)).toHaveLength(1);
    const { rows } = await pool.query('SELECT active FROM booking_seats WHERE booking_id = $1', [b.id]);
    expect(rows).toEqual([{ active: false }]);
  });

  it('a change that sets nothing only enqueues; a column outside the list is refused before any SQL', async () => {
    const b = await held();
    await applyChange(pool, {
      bookingId: b.id,
      from: 'HELD',
      to: 'HELD',
      changes: {},
      event: { type: 'booking.expired', data: { bookingId: b.id, userId: b.user_id, tripId: 61, seatIds: [1] } },
    });
    expect((await findBooking(pool, b.id))!.updated_at).toEqual(b.updated_at);
    expect(await outbox('booking.expired', b.id)).toHaveLength(1);
    const bad = {
      bookingId: b.id,
      from: 'HELD',
      to: 'HELD',
      changes: { user_id: 'someone-else' },
      event: null,
    } as unknown as Change;
    await expect(applyChange(pool, bad)).rejects.toThrow(/cannot set user_id/);
    expect((await findBooking(pool, b.id))!.user_id).toBe(b.user_id);
  });
});

describe('applyChangeWithUniqueRetry', () => {
  it('a reference that collides is retried with the next one, without aborting the transaction', async () => {
    const first = await held();
    await setStatus(first.id, 'CONFIRMED', `, reference = 'TAKEN234'`);
    const b = await held();
    await setStatus(b.id, 'PENDING_PAYMENT');
    const pending = (await findBooking(pool, b.id))!;
    const references = ['TAKEN234', 'FRESH234'];
    const paymentId = randomUUID();
    const change = await withTransaction(pool, (c) =>
      applyChangeWithUniqueRetry(c, () => confirm(pending, { paymentId }, references.shift()!, trip)!),
    );
    expect(change.changes.reference).toBe('FRESH234');
    expect(await findBooking(pool, b.id)).toMatchObject({ status: 'CONFIRMED', reference: 'FRESH234', payment_id: paymentId });
    expect(await outbox('booking.confirmed', b.id)).toEqual([expect.objectContaining({ reference: 'FRESH234' })]);
  });

  it('gives up after its attempts, and rethrows anything but a unique violation at once', async () => {
    const taken = await held();
    await setStatus(taken.id, 'CONFIRMED', `, reference = 'TAKEN567'`);
    const b = await held();
    await setStatus(b.id, 'PENDING_PAYMENT');
    const pending = (await findBooking(pool, b.id))!;
    let builds = 0;
    const err = await withTransaction(pool, (c) =>
      applyChangeWithUniqueRetry(c, () => (builds++, confirm(pending, { paymentId: randomUUID() }, 'TAKEN567', trip)!), {}, 3),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: '23505' });
    expect(builds).toBe(3);
    builds = 0;
    const notUnique = await withTransaction(pool, (c) =>
      applyChangeWithUniqueRetry(c, () => (builds++, confirm(pending, { paymentId: 'not-a-uuid' }, 'OTHER234', trip)!)),
    ).catch((e: unknown) => e);
    expect(notUnique).toMatchObject({ code: '22P02' });
    expect(builds).toBe(1);
    expect(await findStatus(pool, b.id)).toBe('PENDING_PAYMENT');
  });
});

describe('expireOverdue', () => {
  it('expires overdue holds with booking.expired, skips rows another transaction holds, and leaves live ones', async () => {
    const overdue = await held(newHold({ userId: 'exp-a' }), -1000);
    const overduePending = await held(newHold({ userId: 'exp-b', seats: 2 }), -1000);
    await setStatus(overduePending.id, 'PENDING_PAYMENT');
    const locked = await held(newHold({ userId: 'exp-c' }), -1000);
    const live = await held(newHold({ userId: 'exp-d' }));

    const blocker = await pool.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT 1 FROM bookings WHERE id = $1 FOR UPDATE', [locked.id]);
      const expired = await withTransaction(pool, (c) => expireOverdue(c, 100));
      const byId = new Map(expired.map((e) => [e.id, e]));
      // The status each had before: what booking.expired was built from.
      expect(byId.get(overdue.id)).toMatchObject({ status: 'HELD', trip_id: 61 });
      expect(byId.get(overduePending.id)).toMatchObject({ status: 'PENDING_PAYMENT' });
      expect(byId.get(overduePending.id)!.seats).toEqual(overduePending.seats);
      expect(byId.has(locked.id)).toBe(false);
      expect(byId.has(live.id)).toBe(false);
    } finally {
      await blocker.query('ROLLBACK');
      blocker.release();
    }
    expect(await findStatus(pool, overdue.id)).toBe('EXPIRED');
    expect(await findStatus(pool, overduePending.id)).toBe('EXPIRED');
    expect(await findStatus(pool, locked.id)).toBe('HELD');
    expect(await findStatus(pool, live.id)).toBe('HELD');
    expect(await outbox('booking.expired', overduePending.id)).toEqual([
      { bookingId: overduePending.id, userId: 'exp-b', tripId: 61, seatIds: overduePending.seats.map((s) => s.seatId) },
    ]);
    // The next run takes the one that was locked, and only it.
    const next = await withTransaction(pool, (c) => expireOverdue(c, 100));
    expect(next.map((e) => e.id)).toEqual([locked.id]);
    expect(await withTransaction(pool, (c) => expireOverdue(c, 100))).toEqual([]);
    expect(await outbox('booking.expired', overdue.id)).toHaveLength(1);
  });
});

describe('expireOverlapping', () => {
  it("expires only holds on the new hold's seat-legs that ran out by the given clock", async () => {
    const seatId = trip.coaches[1]!.seats[0]!.seatId;
    const other = trip.coaches[1]!.seats[1]!.seatId;
    const stale = await held(newHold({ seatIds: [seatId], fromIndex: 0, toIndex: 2 }), -1000);
    const elsewhere = await held(newHold({ seatIds: [other], fromIndex: 0, toIndex: 2 }), -1000);
    const otherLegs = await held(newHold({ seatIds: [seatId], fromIndex: 2, toIndex: 3 }), -1000);
    const h = newHold({ seatIds: [seatId], fromIndex: 1, toIndex: 2 });
    // By a clock before the stale hold ran out, nothing is expired.
    expect(await expireOverlapping(pool, h, new Date(Date.now() - 60_000))).toEqual([]);
    const expired = await withTransaction(pool, async (c) => {
      const rows = await expireOverlapping(c, h, new Date());
      await insertHold(c, h, new Date(Date.now() + 60_000));
      return rows;
    });
    expect(expired.map((e) => e.id)).toEqual([stale.id]);
    expect(await findStatus(pool, stale.id)).toBe('EXPIRED');
    expect(await findStatus(pool, elsewhere.id)).toBe('HELD');
    expect(await findStatus(pool, otherLegs.id)).toBe('HELD');
    expect(await findStatus(pool, h.bookingId)).toBe('HELD');
    expect(await outbox('booking.expired', stale.id)).toHaveLength(1);
  });
});

describe('reads', () => {
  it('findBooking scopes to the owner; listUserBookings pages newest first; findStatus of nothing is null', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await held(newHold({ userId: 'lister' }))).id);
    expect(await findBooking(pool, ids[0]!, { userId: 'lister' })).not.toBeNull();
    expect(await findBooking(pool, ids[0]!, { userId: 'someone-else' })).toBeNull();
    const page1 = await listUserBookings(pool, 'lister', 2);
    expect(page1.map((b) => b.id)).toEqual([ids[2], ids[1]]);
    const last = page1[1]!;
    const page2 = await listUserBookings(pool, 'lister', 2, { createdAt: last.created_at.toISOString(), id: last.id });
    expect(page2.map((b) => b.id)).toEqual([ids[0]]);
    expect(await findStatus(pool, randomUUID())).toBeNull();
  });

  it('activeEntries lists confirmed bookings and live holds as Redis entries; activeTripIds names their trips', async () => {
    const live = await held(newHold({ userId: 'entries' }));
    const overdue = await held(newHold({ userId: 'entries' }), -1000);
    const done = await held(newHold({ userId: 'entries' }));
    await setStatus(done.id, 'CONFIRMED', ', expires_at = NULL');
    const entries = await activeEntries(pool, 61);
    const byId = new Map(entries.map((e) => [e.bookingId, e]));
    expect(byId.get(live.id)).toMatchObject({ state: 'H', mask: legMask(0, 4), seatIds: live.seats.map((s) => s.seatId) });
    expect(byId.get(done.id)).toMatchObject({ state: 'C', expiresAtMs: 0 });
    expect(byId.has(overdue.id)).toBe(false);
    const forSeat = await activeEntries(pool, 61, [live.seats[0]!.seatId]);
    expect(forSeat.map((e) => e.bookingId)).toEqual([live.id]);
    expect(await activeTripIds(pool)).toEqual([61]);
  });

  it('claimRefund is true once per payment', async () => {
    const paymentId = randomUUID();
    expect(await claimRefund(pool, paymentId)).toBe(true);
    expect(await claimRefund(pool, paymentId)).toBe(false);
  });
});
