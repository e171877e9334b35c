/**
 * GET /internal/sales/:date/seats, the queue service's count of a sale's seats left (SaleSeatsResponse, asked by
 * services/queue/src/clients/seats-source.ts): every trip of the date, each leg asked of booking, a seat left while
 * one of its legs is free; null while booking cannot say. Real PostgreSQL and Redis; booking is a stand-in.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { SaleSeatsResponse } from '@rail/contracts/queue';
import { addDays } from '../../src/domain/dhaka-time.js';
import { createTestContext, TODAY, TRAINS, tripIdOf, type TestContext } from '../helpers.js';

let ctx: TestContext;
const CACHE_MS = 300;

beforeAll(async () => {
  ctx = await createTestContext({ AVAILABILITY_CACHE_TTL_MS: '0', SALE_SEATS_CACHE_TTL_MS: String(CACHE_MS) });
});
afterAll(() => ctx.close());
beforeEach(() => {
  ctx.booking.override = undefined;
  ctx.booking.answer = () => ({ held: [], booked: [] });
  ctx.booking.requests.length = 0;
});

const saleSeats = (date: string) => ctx.app.inject({ method: 'GET', url: `/internal/sales/${date}/seats` });
const segmentsAsked = () => ctx.booking.requests.flatMap((r) => r.queries);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counted from the tables, apart from the code under test. */
async function seeded(date: string): Promise<{ seats: number; legs: number }> {
  const { rows } = await ctx.pool.query<{ seats: number; legs: number }>(
    `SELECT (SELECT count(*)::int FROM trips t JOIN coaches c ON c.train_id = t.train_id JOIN seats s ON s.coach_id = c.id
             WHERE t.service_date = $1) AS seats,
            (SELECT count(*)::int - count(DISTINCT t.id)::int FROM trips t JOIN trains tr ON tr.id = t.train_id
             JOIN route_stops rs ON rs.route_id = tr.route_id WHERE t.service_date = $1) AS legs`,
    [date],
  );
  return rows[0]!;
}

describe('GET /internal/sales/:date/seats', () => {
  it("counts the date's trips and seats, and a seat as left while any one of its legs is free", async () => {
    const date = addDays(TODAY, 4);
    const mohanagar = tripIdOf(2, 4);
    const other = tripIdOf(7, 4);
    ctx.booking.answer = (q) => {
      // 20501 booked and 20503 held on every leg; 20502 booked on every leg but the one leaving Bhairab.
      if (q.tripId === mohanagar) return { held: [20503], booked: q.from === 'BHB' ? [20501] : [20501, 20502] };
      if (q.tripId === other) return { held: [], booked: [70101] };
      return { held: [], booked: [] };
    };
    const res = await saleSeats(date);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect([...Value.Errors(SaleSeatsResponse, body)].map((e) => `${e.path} ${e.message}`)).toEqual([]);
    const { seats, legs } = await seeded(date);
    expect(seats).toBeGreaterThan(1000);
    expect(body).toEqual({ date, trips: TRAINS, seatsTotal: seats, seatsLeft: seats - 3 });
    expect(res.headers['cache-control']).toBe('no-store');
    // One single-leg segment per leg of every trip, each once.
    const asked = segmentsAsked();
    expect(asked).toHaveLength(legs);
    expect(new Set(asked.map((q) => `${q.tripId}:${q.from}`)).size).toBe(legs);
    expect(asked.filter((q) => q.tripId === mohanagar)).toHaveLength(9);
  });

  it('says 0 seats left when every seat is taken on every leg', async () => {
    const date = addDays(TODAY, 5);
    const everySeat = await ctx.pool.query<{ id: number }>('SELECT id FROM seats');
    const all = everySeat.rows.map((r) => r.id);
    ctx.booking.answer = () => ({ held: all.slice(0, 100), booked: all.slice(100) });
    expect((await saleSeats(date)).json()).toMatchObject({ date, trips: TRAINS, seatsLeft: 0 });
  });

  it('answers null seats left when booking does not answer, and a count again once it does', async () => {
    const date = addDays(TODAY, 6);
    ctx.booking.override = { status: 500, body: { status: 500 } };
    const down = await saleSeats(date);
    expect(down.statusCode).toBe(200);
    const { seats } = await seeded(date);
    expect(down.json()).toEqual({ date, trips: TRAINS, seatsTotal: seats, seatsLeft: null });
    // An unknown count is not kept: the next ask after booking is back has the number.
    ctx.booking.override = undefined;
    expect((await saleSeats(date)).json().seatsLeft).toBe(seats);
  });

  it("does not pass booking's last good answers off as a count while booking is down", async () => {
    const date = addDays(TODAY, 7);
    expect((await saleSeats(date)).json().seatsLeft).toBeGreaterThan(0);
    await sleep(CACHE_MS + 100);
    ctx.booking.override = { status: 503, body: { status: 503 } };
    expect((await saleSeats(date)).json().seatsLeft).toBeNull();
  });

  it('keeps an answer a moment, so the queue asking every few seconds costs booking one lookup per moment', async () => {
    const date = addDays(TODAY, 8);
    const first = await saleSeats(date);
    const calls = ctx.booking.requests.length;
    expect(calls).toBeGreaterThan(0);
    ctx.booking.answer = () => ({ held: [], booked: [20501] });
    expect((await saleSeats(date)).json()).toEqual(first.json());
    expect(ctx.booking.requests.length).toBe(calls);
    await sleep(CACHE_MS + 100);
    expect((await saleSeats(date)).json().seatsLeft).toBe(first.json().seatsLeft - 1);
    expect(ctx.booking.requests.length).toBeGreaterThan(calls);
  });

  it('answers a date without trips with zeros, without asking booking', async () => {
    const date = addDays(TODAY, 40);
    expect((await saleSeats(date)).json()).toEqual({ date, trips: 0, seatsTotal: 0, seatsLeft: 0 });
    expect(ctx.booking.requests).toHaveLength(0);
  });

  it('answers 400 for a date that is not YYYY-MM-DD', async () => {
    for (const date of ['2026-3-14', 'tomorrow', '2026-03-14T00:00']) {
      const res = await saleSeats(date);
      expect(res.statusCode, date).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    }
  });
});
