/**
 * The waiting room in front of seat maps (docs/waiting-room.md): while the room of a trip's date is active (polled
 * from a stand-in queue service), its maps need a sign-in and a pass for that user and date; other dates, and the
 * same date before and after, stay anonymous. Real PostgreSQL and Redis, real tokens and passes.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { SeatMap } from '@rail/contracts/train';
import { parsePassKeys } from '@rail/queue-pass';
import { createTestContext, NOW, passFor, tripIdOf, type TestContext } from '../helpers.js';

let ctx: TestContext;

/** Day 2 of the seeded window; trips are numbered by day, then train. */
const SALE = '2026-03-12';
const GUARDED_TRIP = tripIdOf(2, 2);
const NEXT_DAY_TRIP = tripIdOf(2, 3);
const USER = 'user-guarded-1';

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());
beforeEach(async () => {
  ctx.queue.down = false;
  ctx.queue.rooms.clear();
  await ctx.queue.polled();
  ctx.booking.requests.length = 0;
});

const openRoom = async (date = SALE) => {
  ctx.queue.rooms.add(date);
  await ctx.queue.polled();
};
const bearer = async (sub = USER) => `Bearer ${await ctx.issuer.sign({ sub })}`;
const seats = (tripId: number, headers: Record<string, string> = {}) =>
  ctx.app.inject({ method: 'GET', url: `/api/trains/trips/${tripId}/seats`, headers });

function expectQueueRequired(res: Awaited<ReturnType<typeof seats>>) {
  expect(res.statusCode).toBe(403);
  expect(res.json()).toMatchObject({ code: 'QUEUE_REQUIRED', queue: `/api/queue/sales/${SALE}`, date: SALE });
  expect(res.headers['cache-control']).toBe('private, no-store');
  expect(res.headers['x-accel-expires']).toBe('0');
}

describe('seat maps while no waiting room is active', () => {
  it('are anonymous as before, with no private cache headers, and a sign-in sent anyway is not looked at', async () => {
    const anonymous = await seats(GUARDED_TRIP);
    expect(anonymous.statusCode).toBe(200);
    expect(Value.Check(SeatMap, anonymous.json())).toBe(true);
    expect(anonymous.headers['cache-control']).toBeUndefined();
    expect(anonymous.headers['x-accel-expires']).toBeUndefined();
    const badToken = await seats(GUARDED_TRIP, { authorization: 'Bearer not-a-token' });
    expect(badToken.statusCode).toBe(200);
  });
});

describe('seat maps of a date whose waiting room is active', () => {
  it('need a sign-in first (401), since a pass is bound to a user; that answer is private but the same for all', async () => {
    await openRoom();
    const anonymous = await seats(GUARDED_TRIP);
    expect(anonymous.statusCode).toBe(401);
    // It names the room to join once signed in, as QUEUE_REQUIRED does.
    expect(anonymous.json()).toMatchObject({ code: 'TOKEN_MISSING', queue: `/api/queue/sales/${SALE}`, date: SALE });
    expect(anonymous.headers['cache-control']).toBe('private, no-store');
    expect(anonymous.headers['x-accel-expires']).toBeUndefined();
    // A pass without a sign-in is not enough, and that answer depends on what was sent.
    const passOnly = await seats(GUARDED_TRIP, { 'x-queue-pass': passFor({ sub: USER, sale: SALE }) });
    expect(passOnly.statusCode).toBe(401);
    expect(passOnly.json().code).toBe('TOKEN_MISSING');
    expect(passOnly.headers['x-accel-expires']).toBe('0');
    const badToken = await seats(GUARDED_TRIP, { authorization: 'Bearer not-a-token' });
    expect(badToken.statusCode).toBe(401);
    expect(badToken.json().code).toBe('TOKEN_INVALID');
    expect(ctx.booking.requests).toHaveLength(0);
  });

  it('answer 403 QUEUE_REQUIRED to a signed-in user without a pass, or with one that is not theirs for this date', async () => {
    await openRoom();
    const authorization = await bearer();
    expectQueueRequired(await seats(GUARDED_TRIP, { authorization }));
    const wrong = {
      'another user': passFor({ sub: 'someone-else', sale: SALE }),
      'another date': passFor({ sub: USER, sale: '2026-03-13' }),
      expired: passFor({ sub: USER, sale: SALE, expMs: NOW.getTime() - 1 }),
      'another key': passFor({ sub: USER, sale: SALE }, parsePassKeys(`t1:${'x'.repeat(40)}`)),
      'an unknown key id': passFor({ sub: USER, sale: SALE }, parsePassKeys(`t9:${'p'.repeat(40)}`)),
      malformed: 'not-a-pass',
    };
    // Tampered: the payload re-encoded for another user, the signature kept.
    const [version, kid, payload, mac] = passFor({ sub: 'someone-else', sale: SALE }).split('.');
    const claims = { ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: USER };
    const tampered = [version, kid, Buffer.from(JSON.stringify(claims)).toString('base64url'), mac].join('.');
    for (const [why, pass] of Object.entries({ ...wrong, tampered })) {
      const res = await seats(GUARDED_TRIP, { authorization, 'x-queue-pass': pass });
      expect(res.statusCode, why).toBe(403);
      expectQueueRequired(res);
    }
    // Refused before the map is looked at: booking was never asked.
    expect(ctx.booking.requests).toHaveLength(0);
  });

  it('show the map to the holder of a pass for this date, marked for no cache to keep', async () => {
    await openRoom();
    const res = await seats(GUARDED_TRIP, { authorization: await bearer(), 'x-queue-pass': passFor({ sub: USER, sale: SALE }) });
    expect(res.statusCode).toBe(200);
    expect(Value.Check(SeatMap, res.json())).toBe(true);
    expect(res.json().tripId).toBe(GUARDED_TRIP);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers['x-accel-expires']).toBe('0');
  });

  it('leave other dates anonymous, and the date itself once its room is over', async () => {
    await openRoom();
    const other = await seats(NEXT_DAY_TRIP);
    expect(other.statusCode).toBe(200);
    expect(other.headers['cache-control']).toBeUndefined();
    expect((await seats(GUARDED_TRIP)).statusCode).toBe(401);
    ctx.queue.rooms.clear();
    await ctx.queue.polled();
    const after = await seats(GUARDED_TRIP);
    expect(after.statusCode).toBe(200);
    expect(after.headers['cache-control']).toBeUndefined();
  });

  it('keep the room while the queue service cannot say (fail closed), until it answers again', async () => {
    await openRoom();
    ctx.queue.down = true;
    ctx.queue.rooms.clear();
    await ctx.queue.polled();
    expect((await seats(GUARDED_TRIP)).statusCode).toBe(401);
    ctx.queue.down = false;
    await ctx.queue.polled();
    expect((await seats(GUARDED_TRIP)).statusCode).toBe(200);
  });

  it('still answer 404 for an unknown trip and 400 for a bad segment, after the check', async () => {
    await openRoom();
    expect((await seats(99_999)).statusCode).toBe(404);
    const headers = { authorization: await bearer(), 'x-queue-pass': passFor({ sub: USER, sale: SALE }) };
    const res = await ctx.app.inject({ method: 'GET', url: `/api/trains/trips/${GUARDED_TRIP}/seats?from=CTG&to=DHK`, headers });
    expect(res.statusCode).toBe(400);
    expect(res.headers['cache-control']).toBe('private, no-store');
  });
});
