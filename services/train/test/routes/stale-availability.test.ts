/**
 * Seat maps and search while the booking service is slow: the last good availability is served, marked
 * stale, within AVAILABILITY_STALE_MAX_MS; past it the seat map answers 503 and search "unknown".
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, tripIdOf, type TestContext } from '../helpers.js';

const STALE_MAX_MS = 1_000;
let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({
    AVAILABILITY_CACHE_TTL_MS: '0',
    AVAILABILITY_TIMEOUT_MS: '200',
    AVAILABILITY_STALE_MAX_MS: String(STALE_MAX_MS),
  });
});
afterAll(() => ctx.close());
beforeEach(() => {
  ctx.booking.override = undefined;
  ctx.booking.requests.length = 0;
  ctx.booking.answer = () => ({ held: [], booked: [] });
});

const get = (url: string) => ctx.app.inject({ method: 'GET', url });
const slow = { status: 200, body: {}, delayMs: 2_000 };
const statuses = (map: { coaches: { seats: { seatId: number; status: string }[] }[] }) =>
  Object.fromEntries(
    map.coaches.flatMap((c) => c.seats.filter((s) => s.status !== 'available').map((s) => [s.seatId, s.status])),
  );

describe('seat map while booking is slow', () => {
  it('serves the earlier statuses marked stale, 503 once they are too old, and live again when booking recovers', async () => {
    const trip = tripIdOf(4);
    const url = `/api/trains/trips/${trip}/seats`;
    const layout = (await get(url)).json() as { coaches: { seats: { seatId: number }[] }[] };
    const [a, b, c] = layout.coaches[0]!.seats.map((s) => s.seatId);
    ctx.booking.answer = () => ({ held: [a!], booked: [b!] });
    const first = await get(url);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ availability: 'live' });
    expect(first.json().availabilityAgeMs).toBeLessThan(200);
    const known = statuses(first.json());
    expect(known).toEqual({ [a!]: 'held', [b!]: 'booked' });

    ctx.booking.override = slow;
    const stale = await get(url);
    expect(stale.statusCode).toBe(200);
    expect(stale.json()).toMatchObject({ availability: 'stale' });
    expect(stale.json().availabilityAgeMs).toBeGreaterThanOrEqual(200); // it waited out one timeout
    expect(stale.json().availabilityAgeMs).toBeLessThanOrEqual(STALE_MAX_MS);
    expect(statuses(stale.json())).toEqual(known);

    await new Promise((resolve) => setTimeout(resolve, STALE_MAX_MS));
    const tooOld = await get(url);
    expect(tooOld.statusCode).toBe(503);
    expect(tooOld.json().code).toBe('AVAILABILITY_UNAVAILABLE');
    expect(Number(tooOld.headers['retry-after'])).toBeGreaterThan(0);

    ctx.booking.override = undefined;
    ctx.booking.answer = () => ({ held: [], booked: [c!] });
    const recovered = await get(url);
    expect(recovered.statusCode).toBe(200);
    expect(recovered.json()).toMatchObject({ availability: 'live' });
    expect(statuses(recovered.json())).toEqual({ [c!]: 'booked' });
  });

  it('keeps stale answers per segment: another segment of the same trip is still 503', async () => {
    const trip = tripIdOf(5);
    expect((await get(`/api/trains/trips/${trip}/seats`)).statusCode).toBe(200);
    ctx.booking.override = slow;
    expect((await get(`/api/trains/trips/${trip}/seats`)).json().availability).toBe('stale');
    const other = await get(`/api/trains/trips/${trip}/seats?from=APT`);
    expect(other.statusCode).toBe(503);
  });
});

describe('search while booking is slow', () => {
  it('marks seat counts stale when an earlier answer exists and unknown past the limit', async () => {
    const search = () => get(`/api/trains/search?from=DHK&to=CTG&date=2026-03-12`);
    const live = await search();
    expect(live.statusCode).toBe(200);
    const trips = live.json().trips as { availability: string; classes: { seatsAvailable: number | null }[] }[];
    expect(trips.length).toBeGreaterThan(0);
    for (const t of trips) expect(t.availability).toBe('live');

    ctx.booking.override = slow;
    const stale = (await search()).json().trips as typeof trips;
    expect(stale.map((t) => t.availability)).toEqual(trips.map(() => 'stale'));
    expect(stale.map((t) => t.classes)).toEqual(trips.map((t) => t.classes));

    await new Promise((resolve) => setTimeout(resolve, STALE_MAX_MS));
    const unknown = (await search()).json().trips as typeof trips;
    for (const t of unknown) {
      expect(t.availability).toBe('unknown');
      for (const c of t.classes) expect(c.seatsAvailable).toBeNull();
    }
  });
});
