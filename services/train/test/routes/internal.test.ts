import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { TripInventory } from '@rail/contracts/train-internal';
import { createTestContext, TODAY, tripIdOf, type TestContext } from '../helpers.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const get = (url: string) => ctx.app.inject({ method: 'GET', url });

describe('GET /internal/trips/:tripId/inventory', () => {
  it('returns the TripInventory contract: stops, coaches, seats and fare matrices', async () => {
    const res = await get(`/internal/trips/${tripIdOf(2)}/inventory`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect([...Value.Errors(TripInventory, body)].map((e) => `${e.path} ${e.message}`)).toEqual([]);
    expect(body).toMatchObject({ tripId: tripIdOf(2), date: TODAY, trainNumber: '704', trainName: 'Mohanagar Provati' });
    expect(body.stops).toHaveLength(10);
    expect(body.stops[3]).toEqual({
      code: 'BHB',
      name: 'Bhairab Bazar',
      arrival: '2026-03-10T09:22:00+06:00',
      departure: '2026-03-10T09:25:00+06:00',
      distanceKm: 80,
    });
    expect(body.coaches).toHaveLength(5);
    expect(body.coaches.flatMap((c: { seats: unknown[] }) => c.seats)).toHaveLength(275);
    expect(body.coaches[4]).toMatchObject({ coachId: 205, code: 'UMA', class: 'AC_S' });
    expect(body.coaches[4].seats[0]).toEqual({ seatId: 20501, label: 'UMA-1', row: 1, column: 1 });
    expect(Object.keys(body.fares).sort()).toEqual(['AC_S', 'SNIGDHA', 'S_CHAIR']);
    const sChair = body.fares.S_CHAIR as number[][];
    expect(sChair).toHaveLength(10);
    expect(sChair[0]![9]).toBe(407);
    expect(sChair[3]![6]).toBe(136);
    expect(sChair[6]![3]).toBe(0);
    expect(res.headers['cache-control']).toContain('immutable');
  });

  it('is the same for every request (immutable, served from memory)', async () => {
    const a = await get(`/internal/trips/${tripIdOf(7)}/inventory`);
    const b = await get(`/internal/trips/${tripIdOf(7)}/inventory`);
    expect(a.body).toBe(b.body);
    expect(a.json().stops[0].code).toBe('CTG');
  });

  it('returns trips outside the sales window, so bookings for them keep working', async () => {
    const { rows } = await ctx.pool.query<{ id: number }>(
      `INSERT INTO trips (train_id, service_date) VALUES (1, '2026-03-01') RETURNING id`,
    );
    const res = await get(`/internal/trips/${rows[0]!.id}/inventory`);
    expect(res.statusCode).toBe(200);
    expect(res.json().date).toBe('2026-03-01');
  });

  it('answers 404 for an unknown trip and 400 for a malformed id', async () => {
    const missing = await get('/internal/trips/99999/inventory');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('TRIP_NOT_FOUND');
    expect((await get('/internal/trips/x/inventory')).statusCode).toBe(400);
  });
});
