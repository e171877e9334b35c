/**
 * The waiting room in front of select (both body forms) and confirm, against the real PostgreSQL and Redis, with
 * a stand-in queue service polled over HTTP and passes signed by the real signPass: no pass needed while no room
 * is active; while the trip's date has one, 403 QUEUE_REQUIRED without a valid pass (missing, malformed, tampered,
 * unknown key, expired, another user's, another date's) and nothing held or recorded, 201/200 with one; a night
 * train's sale is the day it left; a waitlist offer's confirm is guarded like any other; with the queue service
 * unreachable after a room was seen active, the room stays (fail closed) and passes still work.
 */
import { randomUUID } from 'node:crypto';
import { parsePassKeys, signPass } from '@rail/queue-pass';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createActiveRoomsClient } from '../../../src/waiting-room/active-rooms-client.js';
import { passengers } from '../../helpers/api.js';
import { makeInventory, seatPicker } from '../../helpers/fixtures.js';
import { sleep } from '../../helpers/flows.js';
import { startHarness, type Harness } from '../../helpers/harness.js';
import { startQueueServer, type QueueServer } from '../../helpers/queue-server.js';

const DAY = '2026-04-01';
// Leaves Dhaka at 12:00 local on DAY.
const trip = makeInventory(71, { start: `${DAY}T06:00:00Z` });
// Leaves Dhaka at 23:30 local on 2026-04-02; from its second stop on it runs after midnight, on 2026-04-03.
const night = makeInventory(72, { start: '2026-04-02T17:30:00Z' });
// One SHOVAN coach of 4 seats, leaving tomorrow (the waitlist closes at departure), so it sells out at once.
const small = makeInventory(73, { coaches: 1, seatsPerCoach: 4, start: new Date(Date.now() + 86_400_000).toISOString() });
const smallDay = new Date(Date.parse(small.stops[0]!.departure!) + 6 * 3_600_000).toISOString().slice(0, 10);
const seat = seatPicker(trip);
const nightSeat = seatPicker(night);
const smallSeats = small.coaches[0]!.seats.map((s) => s.seatId);

let h: Harness;
let queue: QueueServer;
let rooms: ReturnType<typeof createActiveRoomsClient>;

beforeAll(async () => {
  queue = await startQueueServer();
  // The client production uses, polling the stand-in every 20 ms.
  rooms = createActiveRoomsClient({ baseUrl: queue.url, timeoutMs: 500 });
  h = await startHarness([trip, night, small], { waitingRoom: { fetchActive: rooms.fetchActive, intervalMs: 20 }, poolMax: 6 });
});
afterAll(async () => {
  await h?.close();
  await rooms?.close();
  await queue?.close();
});

async function roomsActive(...dates: string[]): Promise<void> {
  queue.setActive(dates);
  await queue.polled();
}

const pass = (sub: string, sale = DAY, expMs = Date.now() + 600_000) => signPass(h.passKeys, { sub, sale, expMs });

async function post(userId: string, url: string, payload: object, headers: Record<string, string> = {}) {
  return h.app.inject({ method: 'POST', url, headers: { ...(await h.auth(userId)), ...headers }, payload });
}
const select = (userId: string, body: object, headers: Record<string, string> = {}) =>
  post(userId, '/api/bookings/seats/select', body, headers);
const confirm = (userId: string, bookingId: string, seats: number, headers: Record<string, string> = {}) =>
  post(userId, '/api/bookings/seats/confirm', { bookingId, passengers: passengers(seats) }, headers);

function expectQueueRequired(res: { statusCode: number; json: () => unknown; headers: Record<string, unknown> }, date = DAY) {
  expect(res.statusCode).toBe(403);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status: 403, code: 'QUEUE_REQUIRED', queue: `/api/queue/sales/${date}`, date });
}

/** What the request could have left behind: the user's bookings in PostgreSQL, and the seat's state in Redis. */
async function traces(userId: string, seatId: number, tripId = 71) {
  const { rows } = await h.pool.query(`SELECT count(*)::int AS n FROM bookings WHERE user_id = $1`, [userId]);
  const res = await h.app.inject({
    method: 'POST',
    url: '/internal/availability',
    payload: { queries: [{ tripId, from: 'DHK', to: 'CTG' }] },
  });
  const r = res.json().results[0];
  return {
    bookings: rows[0].n as number,
    seat: r.held.includes(seatId) ? 'held' : r.booked.includes(seatId) ? 'booked' : 'free',
  };
}

beforeEach(async () => {
  queue.setReachable(true);
  await roomsActive();
});

describe('the waiting room in front of select and confirm', () => {
  it('needs no pass while no room is active, nor while only other dates have one', async () => {
    expect((await select('free-1', { tripId: 71, seatIds: [seat(0)] })).statusCode).toBe(201);
    await roomsActive('2026-04-05', '2026-04-02');
    const held = await select('free-1', { tripId: 71, seatIds: [seat(1)] });
    expect(held.statusCode).toBe(201);
    expect((await select('free-1', { tripId: 71, class: 'S_CHAIR', count: 1 })).statusCode).toBe(201);
    expect((await confirm('free-1', held.json().bookingId, 1)).statusCode).toBe(200);
  });

  it('while the date is active: 403 QUEUE_REQUIRED without a pass, for both body forms, holding nothing; a pass then holds', async () => {
    await roomsActive(DAY);
    const key = { 'idempotency-key': randomUUID() };
    expectQueueRequired(await select('q-1', { tripId: 71, seatIds: [seat(10)] }, key));
    expectQueueRequired(await select('q-1', { tripId: 71, class: 'SHOVAN', count: 2 }));
    expect(await traces('q-1', seat(10))).toEqual({ bookings: 0, seat: 'free' });
    // The refusal was not stored under the Idempotency-Key: the same request with a pass runs.
    const held = await select('q-1', { tripId: 71, seatIds: [seat(10)] }, { ...key, 'x-queue-pass': pass('q-1') });
    expect(held.statusCode).toBe(201);
    expect(held.headers['idempotent-replayed']).toBeUndefined();
    expect(await traces('q-1', seat(10))).toEqual({ bookings: 1, seat: 'held' });
    const picked = await select('q-1', { tripId: 71, class: 'SHOVAN', count: 2 }, { 'x-queue-pass': pass('q-1') });
    expect(picked.statusCode).toBe(201);
    expect(picked.json().seats).toHaveLength(2);
  });

  it('checks authentication and the body first: 401 and 400 come before the pass', async () => {
    await roomsActive(DAY);
    const anonymous = await h.app.inject({
      method: 'POST',
      url: '/api/bookings/seats/select',
      payload: { tripId: 71, seatIds: [seat(20)] },
    });
    expect(anonymous.statusCode).toBe(401);
    expect((await select('q-2', { tripId: 71, seatIds: [] })).statusCode).toBe(400);
    expect((await confirm('q-2', 'not-a-uuid', 1)).statusCode).toBe(400);
  });

  it("refuses a pass that is another user's, another date's, expired, tampered, malformed or under an unknown key", async () => {
    await roomsActive(DAY);
    const good = pass('q-3');
    const [version, kid, payload, mac] = good.split('.') as [string, string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'q-3-thief' }), 'base64url').toString('base64url');
    const flipped = mac.slice(0, -2) + (mac.endsWith('AA') ? 'BB' : 'AA');
    const strangers = parsePassKeys(`t1:${'x'.repeat(40)}`);
    const unknown = parsePassKeys(`t9:${'p'.repeat(40)}`);
    const refused: Record<string, [string, string]> = {
      "another user's": ['q-3', pass('someone-else')],
      "another date's": ['q-3', pass('q-3', '2026-04-02')],
      expired: ['q-3', pass('q-3', DAY, Date.now() - 1)],
      'tampered claims': ['q-3-thief', `${version}.${kid}.${forged}.${mac}`],
      'tampered signature': ['q-3', `${version}.${kid}.${payload}.${flipped}`],
      'signed with another secret': ['q-3', signPass(strangers, { sub: 'q-3', sale: DAY, expMs: Date.now() + 60_000 })],
      'unknown key': ['q-3', signPass(unknown, { sub: 'q-3', sale: DAY, expMs: Date.now() + 60_000 })],
      malformed: ['q-3', 'not-a-pass'],
      empty: ['q-3', ''],
      oversized: ['q-3', `${good}${'A'.repeat(1100)}`],
    };
    for (const [name, [userId, token]] of Object.entries(refused)) {
      const res = await select(userId, { tripId: 71, seatIds: [seat(30)] }, { 'x-queue-pass': token });
      expect(res.statusCode, name).toBe(403);
      expectQueueRequired(res);
    }
    expect(await traces('q-3', seat(30))).toEqual({ bookings: 0, seat: 'free' });
    expect(await traces('q-3-thief', seat(30))).toEqual({ bookings: 0, seat: 'free' });
    expect((await select('q-3', { tripId: 71, seatIds: [seat(30)] }, { 'x-queue-pass': good })).statusCode).toBe(201);
  });

  it('puts a night train in the sale of the day it left, also for a stop it reaches after midnight', async () => {
    const body = { tripId: 72, seatIds: [nightSeat(0)], from: 'BHB', to: 'CTG' };
    await roomsActive('2026-04-03');
    expect((await select('n-1', body)).statusCode).toBe(201);
    await roomsActive('2026-04-02');
    const refused = await select('n-2', { ...body, seatIds: [nightSeat(1)] });
    expectQueueRequired(refused, '2026-04-02');
    expect(
      (await select('n-2', { ...body, seatIds: [nightSeat(1)] }, { 'x-queue-pass': pass('n-2', '2026-04-03') })).statusCode,
    ).toBe(403);
    expect(
      (await select('n-2', { ...body, seatIds: [nightSeat(1)] }, { 'x-queue-pass': pass('n-2', '2026-04-02') })).statusCode,
    ).toBe(201);
  });

  it('guards confirm alike: 403 without a valid pass records no passengers and sends no OTP; a pass confirms', async () => {
    const held = await select('c-1', { tripId: 71, seatIds: [seat(40), seat(41)] });
    expect(held.statusCode).toBe(201);
    const bookingId = held.json().bookingId as string;
    await roomsActive(DAY);
    const key = { 'idempotency-key': randomUUID() };
    expectQueueRequired(await confirm('c-1', bookingId, 2, key));
    expectQueueRequired(await confirm('c-1', bookingId, 2, { 'x-queue-pass': pass('c-1', '2026-04-02') }));
    expectQueueRequired(await confirm('c-1', bookingId, 2, { 'x-queue-pass': pass('someone-else') }));
    const untouched = await h.pool.query(`SELECT status, passengers, otp_hash FROM bookings WHERE id = $1`, [bookingId]);
    expect(untouched.rows[0]).toEqual({ status: 'HELD', passengers: [], otp_hash: null });
    const otps = await h.pool.query(`SELECT 1 FROM outbox WHERE type = 'otp.requested' AND envelope->'data'->>'bookingId' = $1`, [
      bookingId,
    ]);
    expect(otps.rowCount).toBe(0);
    // Someone else's booking is still a 404 for them, pass or not: the check reveals nothing about it.
    expect((await confirm('c-intruder', bookingId, 2)).statusCode).toBe(404);
    const done = await confirm('c-1', bookingId, 2, { ...key, 'x-queue-pass': pass('c-1') });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ bookingId, status: 'HELD', devOtp: expect.stringMatching(/^\d{6}$/) });
  });

  it("a waitlist offer confirmed while its date's room is active needs a pass too", async () => {
    const owner = await select('wl-owner', { tripId: 73, seatIds: smallSeats });
    expect(owner.statusCode).toBe(201);
    const joined = await post('wl-1', '/api/bookings/waitlist', { tripId: 73, class: 'SHOVAN', count: 2 });
    expect(joined.statusCode).toBe(201);
    const waitlistId = joined.json().waitlistId as string;
    const released = await h.app.inject({
      method: 'DELETE',
      url: `/api/bookings/${owner.json().bookingId}`,
      headers: await h.auth('wl-owner'),
    });
    expect(released.statusCode).toBe(200);
    let offer: string | null = null;
    for (const deadline = Date.now() + 5_000; !offer && Date.now() < deadline; await sleep(20)) {
      const { rows } = await h.pool.query(`SELECT offer_booking_id FROM waitlist_entries WHERE id = $1 AND status = 'OFFERED'`, [
        waitlistId,
      ]);
      offer = rows[0]?.offer_booking_id ?? null;
    }
    expect(offer).not.toBeNull();
    await roomsActive(smallDay);
    expectQueueRequired(await confirm('wl-1', offer!, 2), smallDay);
    expect((await confirm('wl-1', offer!, 2, { 'x-queue-pass': pass('wl-1', smallDay) })).statusCode).toBe(200);
  });

  it('keeps a room active while the queue service is unreachable (fail closed), and passes keep working', async () => {
    await roomsActive(DAY);
    queue.setReachable(false);
    await queue.polled();
    await queue.polled();
    expect(h.waitingRoom.isActive(DAY)).toBe(true);
    expectQueueRequired(await select('f-1', { tripId: 71, seatIds: [seat(50)] }));
    expect(await traces('f-1', seat(50))).toEqual({ bookings: 0, seat: 'free' });
    expect((await select('f-1', { tripId: 71, seatIds: [seat(50)] }, { 'x-queue-pass': pass('f-1') })).statusCode).toBe(201);
    // Back again, the queue service's answer counts once more.
    queue.setReachable(true);
    await roomsActive();
    expect((await select('f-2', { tripId: 71, seatIds: [seat(51)] })).statusCode).toBe(201);
  });

  it('documents the pass header and the 403 in the OpenAPI document of select and confirm', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/api/bookings/openapi.json' })).json();
    for (const path of ['/api/bookings/seats/select', '/api/bookings/seats/confirm']) {
      const op = doc.paths[path].post;
      expect(op.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toContain('header:x-queue-pass');
      expect(JSON.stringify(op.responses['403'])).toContain('QUEUE_REQUIRED');
    }
  });
});
