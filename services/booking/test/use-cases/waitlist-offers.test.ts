/**
 * The waitlist beyond its routes, against the real PostgreSQL and Redis: a paid offer books the entry, an
 * offer PostgreSQL refuses is undone and the next free seats offered, letting an offer go passes its seats on,
 * and the cut-off closes entries still waiting (with its event), taking them out of line.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeAtCutoff, offerWhatIsFree } from '../../src/use-cases/close-waitlists.js';
import { confirmSeats } from '../../src/use-cases/confirm-seats.js';
import { verifyOtp } from '../../src/use-cases/verify-otp.js';
import { joinWaitlist, leaveWaitlist } from '../../src/use-cases/waitlist.js';
import { selectSeats } from '../../src/use-cases/select-seats.js';
import { releaseBooking } from '../../src/use-cases/release-booking.js';
import { ensureTripLoaded } from '../../src/use-cases/ensure-trip-loaded.js';
import { makeInventory } from '../helpers/fixtures.js';
import { paid, sleep, user } from '../helpers/flows.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { pgOverlaps } from '../helpers/checks.js';

const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
const trips = [51, 52, 53, 54, 55].map((id) => makeInventory(id, { coaches: 1, seatsPerCoach: 4, start: tomorrow }));
const ids = (tripId: number) => trips.find((t) => t.tripId === tripId)!.coaches[0]!.seats.map((s) => s.seatId);
let h: Harness;

beforeAll(async () => {
  h = await startHarness(trips, { poolMax: 6 });
});
afterAll(() => h?.close());

async function entry(id: string) {
  const { rows } = await h.pool.query(`SELECT status, offer_booking_id, close_reason FROM waitlist_entries WHERE id = $1`, [id]);
  return rows[0] as { status: string; offer_booking_id: string; close_reason: string | null };
}
async function until(id: string, status: string) {
  const deadline = Date.now() + 5_000;
  while ((await entry(id)).status !== status) {
    if (Date.now() > deadline) throw new Error(`${id} is ${(await entry(id)).status}, not ${status}`);
    await sleep(20);
  }
}
const join = (u: string, tripId: number, count: number) => joinWaitlist(h.deps, user(u), { tripId, class: 'SHOVAN', count });
const closedEvents = async (id: string) =>
  (
    await h.pool.query(
      `SELECT envelope->'data' AS d FROM outbox WHERE type = 'booking.waitlist-closed' AND envelope->'data'->>'waitlistId' = $1`,
      [id],
    )
  ).rows.map((r) => r.d);

describe('waitlist offers', () => {
  it('an offer that is paid books the entry (BOOKED, booking.waitlist-closed booked)', async () => {
    const owner = await selectSeats(h.deps, user('o51'), { tripId: 51, seatIds: ids(51) });
    const { waitlistId } = await join('w51', 51, 2);
    await releaseBooking(h.deps, user('o51'), owner.bookingId);
    await until(waitlistId, 'OFFERED');
    const bookingId = (await entry(waitlistId)).offer_booking_id;
    const { devOtp } = await confirmSeats(h.deps, user('w51'), { bookingId, passengers: [{ name: 'A' }, { name: 'B' }] });
    await verifyOtp(h.deps, user('w51'), bookingId, devOtp!);
    expect(await paid(h, bookingId, randomUUID())).toMatchObject({ outcome: 'confirmed' });
    expect(await entry(waitlistId)).toMatchObject({ status: 'BOOKED', close_reason: 'booked' });
    expect(await closedEvents(waitlistId)).toMatchObject([{ reason: 'booked', bookingId }]);
  });

  it('an offer PostgreSQL refuses (Redis was behind) is undone, the seats resynced and the next free seats offered', async () => {
    const [s1, s2, s3, s4] = ids(52);
    await selectSeats(h.deps, user('o52'), { tripId: 52, seatIds: [s1!, s2!] });
    const other = await selectSeats(h.deps, user('p52'), { tripId: 52, seatIds: [s3!, s4!] });
    const { waitlistId } = await join('w52', 52, 1);
    // Redis loses seat 1's entry: it believes the seat free, PostgreSQL still has it held.
    await h.redis.hdel(h.deps.seats.keys(52).seats, String(s1));
    await releaseBooking(h.deps, user('p52'), other.bookingId);
    await until(waitlistId, 'OFFERED');
    const { rows } = await h.pool.query(`SELECT seat_id FROM booking_seats WHERE booking_id = $1`, [
      (await entry(waitlistId)).offer_booking_id,
    ]);
    expect(rows).toEqual([{ seat_id: s3 }]);
    expect(await pgOverlaps(h.pool, 52)).toBe(0);
    expect((await h.deps.seats.snapshot(52))!.seats.get(s1!)).toHaveLength(1);
  });

  it('letting an offer go (DELETE the entry) releases its seats to the next entry', async () => {
    const owner = await selectSeats(h.deps, user('o53'), { tripId: 53, seatIds: ids(53) });
    const first = await join('a53', 53, 4);
    const second = await join('b53', 53, 4);
    await releaseBooking(h.deps, user('o53'), owner.bookingId);
    await until(first.waitlistId, 'OFFERED');
    expect(await leaveWaitlist(h.deps, user('a53'), first.waitlistId)).toEqual({ waitlistId: first.waitlistId, status: 'LEFT' });
    expect(await entry(first.waitlistId)).toMatchObject({ status: 'LEFT' });
    await until(second.waitlistId, 'OFFERED');
    expect(await closedEvents(first.waitlistId)).toMatchObject([{ reason: 'left', bookingId: expect.any(String) }]);
  });

  it('the cut-off closes entries still waiting, with booking.waitlist-closed, and takes them out of line', async () => {
    await selectSeats(h.deps, user('o54'), { tripId: 54, seatIds: ids(54) });
    const { waitlistId } = await join('w54', 54, 1);
    await h.pool.query(`UPDATE waitlist_entries SET departs_at = now() - interval '1 minute' WHERE id = $1`, [waitlistId]);
    expect(await closeAtCutoff(h.deps)).toBe(1);
    expect(await entry(waitlistId)).toMatchObject({ status: 'CLOSED', close_reason: 'cut-off' });
    expect(await closedEvents(waitlistId)).toMatchObject([{ reason: 'cut-off', userId: 'w54', trainName: 'Subarna Express' }]);
    expect(await h.deps.seats.waitlistOrder(54)).toEqual([]);
    expect(await closeAtCutoff(h.deps)).toBe(0);
  });

  it('after Redis lost a trip, the rebuild restores the line and the job offers what is free (the layout written again)', async () => {
    const owner = await selectSeats(h.deps, user('o55'), { tripId: 55, seatIds: ids(55) });
    const { waitlistId } = await join('w55', 55, 2);
    // The owner's booking ends in PostgreSQL while Redis is lost, so no script frees (and offers) the seats.
    await h.redis.unlink(...Object.values(h.deps.seats.keys(55)).filter((k) => k.includes(':v2:')));
    await h.pool.query(`UPDATE bookings SET status = 'CANCELLED' WHERE id = $1`, [owner.bookingId]);
    await ensureTripLoaded(h.deps, 55);
    expect(await h.deps.seats.waitlistOrder(55)).toEqual([waitlistId]);
    expect(await offerWhatIsFree(h.deps)).toBe(1);
    await until(waitlistId, 'OFFERED');
    expect(await pgOverlaps(h.pool, 55)).toBe(0);
  });
});
