import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { SearchResponse, SeatMap, TripDetail } from '@rail/contracts/train';
import { createTestContext, TODAY, tripIdOf, type TestContext } from '../helpers.js';

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({ AVAILABILITY_CACHE_TTL_MS: '0', AVAILABILITY_TIMEOUT_MS: '300' });
});
afterAll(() => ctx.close());
beforeEach(() => {
  ctx.booking.override = undefined;
  ctx.booking.answer = () => ({ held: [], booked: [] });
  ctx.booking.requests.length = 0;
});

const get = (url: string) => ctx.app.inject({ method: 'GET', url });
const fieldsOf = (body: { errors?: { field: string }[] }) => [...new Set((body.errors ?? []).map((e) => e.field))];

describe('GET /api/trains/stations', () => {
  it('lists every station with its code and name', async () => {
    const res = await get('/api/trains/stations');
    expect(res.statusCode).toBe(200);
    const { stations } = res.json();
    expect(stations).toHaveLength(34);
    expect(stations).toContainEqual({ code: 'CTG', name: 'Chattogram' });
    expect(stations[0]).toEqual({ code: 'ABP', name: 'Abdulpur' });
  });
});

describe('GET /api/trains/search', () => {
  it('lists the trains from Dhaka to Chattogram by departure, with fares and live seat counts', async () => {
    const res = await get(`/api/trains/search?from=Dhaka&to=chittagong&date=${TODAY}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Value.Check(SearchResponse, body)).toBe(true);
    expect(body.from).toEqual({ code: 'DHK', name: 'Dhaka' });
    expect(body.to).toEqual({ code: 'CTG', name: 'Chattogram' });
    expect(body.trips.map((t: { trainNumber: string }) => t.trainNumber)).toEqual(['816', '788', '704', '702', '814']);
    const subarna = body.trips.find((t: { trainNumber: string }) => t.trainNumber === '702');
    expect(subarna).toMatchObject({
      tripId: tripIdOf(1),
      trainName: 'Subarna Express',
      date: TODAY,
      from: { code: 'DHK', departure: '2026-03-10T16:30:00+06:00' },
      to: { code: 'CTG', arrival: '2026-03-10T21:45:00+06:00' },
      distanceKm: 321,
      durationMinutes: 315,
      availability: 'live',
    });
    expect(subarna.classes).toEqual([
      { class: 'S_CHAIR', fare: 407, seatsTotal: 165, seatsAvailable: 165 },
      { class: 'SNIGDHA', fare: 779, seatsTotal: 55, seatsAvailable: 55 },
      { class: 'AC_S', fare: 935, seatsTotal: 55, seatsAvailable: 55 },
    ]);
    // One batched availability request for all five trips, for this segment.
    expect(ctx.booking.requests).toHaveLength(1);
    expect(ctx.booking.requests[0]?.queries).toHaveLength(5);
    expect(ctx.booking.requests[0]?.queries[0]).toEqual({ tripId: tripIdOf(17), from: 'DHK', to: 'CTG' });
  });

  it('caches the catalog part of a search in Redis for a moment, keyed by from, to and date', async () => {
    await get(`/api/trains/search?from=dhaka&to=Sylhet&date=2026-03-12`);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ttl = await ctx.redis.pttl(`${ctx.prefix}search:DHK:SYL:2026-03-12`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(2_000);
    expect(await ctx.redis.pttl(`${ctx.prefix}stations`)).toBeGreaterThan(0);
  });

  it('prices an intermediate segment and subtracts held and booked seats per class', async () => {
    ctx.booking.answer = (q) =>
      q.tripId === tripIdOf(2) ? { held: [20101, 20102], booked: [20103, 20401, 20101] } : { held: [], booked: [] };
    const res = await get(`/api/trains/search?from=bhb&to=Cumilla&date=${TODAY}`);
    expect(res.statusCode).toBe(200);
    const [trip, ...others] = res.json().trips;
    expect(others.map((t: { trainNumber: string }) => t.trainNumber)).not.toContain('703'); // runs the other way
    expect(trip).toMatchObject({ tripId: tripIdOf(2), trainNumber: '704', distanceKm: 99, availability: 'live' });
    expect(trip.classes).toEqual([
      { class: 'S_CHAIR', fare: 136, seatsTotal: 165, seatsAvailable: 162 },
      { class: 'SNIGDHA', fare: 258, seatsTotal: 55, seatsAvailable: 54 },
      { class: 'AC_S', fare: 309, seatsTotal: 55, seatsAvailable: 55 },
    ]);
  });

  it('finds a train that left its origin the evening before and reaches `from` after midnight', async () => {
    const today = (await get(`/api/trains/search?from=CTG&to=CXB&date=${TODAY}`)).json();
    expect(today.trips.map((t: { trainNumber: string }) => t.trainNumber)).toEqual(['816']);
    const tomorrow = (await get(`/api/trains/search?from=CTG&to=CXB&date=2026-03-11`)).json();
    expect(tomorrow.trips.map((t: { trainNumber: string; date: string }) => [t.trainNumber, t.date])).toEqual([
      ['814', TODAY],
      ['816', '2026-03-11'],
    ]);
    expect(tomorrow.trips[0].from.departure).toBe('2026-03-11T04:10:00+06:00');
  });

  it('still answers when the booking service does not, with seat counts unknown', async () => {
    ctx.booking.override = { status: 200, body: { results: [] }, delayMs: 1_000 };
    const started = Date.now();
    const res = await get(`/api/trains/search?from=DHK&to=SYL&date=${TODAY}`);
    expect(Date.now() - started).toBeLessThan(900);
    expect(res.statusCode).toBe(200);
    const trips = res.json().trips;
    expect(trips.length).toBeGreaterThan(0);
    for (const trip of trips) {
      expect(trip.availability).toBe('unknown');
      for (const c of trip.classes) expect(c.seatsAvailable).toBeNull();
    }
  });

  it('treats an answer that breaks the availability contract as unknown', async () => {
    ctx.booking.override = { status: 200, body: { results: [{ tripId: 'x' }] } };
    const res = await get(`/api/trains/search?from=DHK&to=RJH&date=${TODAY}`);
    expect(res.statusCode).toBe(200);
    expect(res.json().trips[0].availability).toBe('unknown');
  });

  it('answers 400 naming the field for an unknown station', async () => {
    const from = await get(`/api/trains/search?from=Atlantis&to=CTG&date=${TODAY}`);
    expect(from.statusCode).toBe(400);
    expect(from.headers['content-type']).toContain('application/problem+json');
    expect(from.json()).toMatchObject({ code: 'UNKNOWN_STATION', status: 400 });
    expect(fieldsOf(from.json())).toEqual(['query.from']);
    const to = await get(`/api/trains/search?from=DHK&to=Atlantis&date=${TODAY}`);
    expect(fieldsOf(to.json())).toEqual(['query.to']);
  });

  it('answers 400 when from and to are the same station', async () => {
    const res = await get(`/api/trains/search?from=Dhaka&to=dhk&date=${TODAY}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('SAME_STATION');
  });

  it('answers 400 when no train runs from one station to the other', async () => {
    const res = await get(`/api/trains/search?from=Sylhet&to=Rajshahi&date=${TODAY}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'NO_ROUTE', detail: 'No train runs from Sylhet to Rajshahi' });
  });

  it('answers 400 with the sales window for a date outside it', async () => {
    for (const date of ['2026-03-09', '2026-03-21']) {
      const res = await get(`/api/trains/search?from=DHK&to=CTG&date=${date}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('OUTSIDE_SALES_WINDOW');
      expect(res.json().detail).toContain('2026-03-10 to 2026-03-20');
      expect(fieldsOf(res.json())).toEqual(['query.date']);
    }
    expect((await get(`/api/trains/search?from=DHK&to=CTG&date=2026-03-20`)).statusCode).toBe(200);
  });

  it('answers 400 for a malformed query', async () => {
    const missing = await get(`/api/trains/search?to=CTG&date=${TODAY}`);
    expect(missing.statusCode).toBe(400);
    expect(fieldsOf(missing.json())).toEqual(['query.from']);
    for (const date of ['tomorrow', '2026-02-30', '2026-3-1']) {
      const res = await get(`/api/trains/search?from=DHK&to=CTG&date=${date}`);
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json())).toEqual(['query.date']);
    }
    const long = await get(`/api/trains/search?from=${'x'.repeat(65)}&to=CTG&date=${TODAY}`);
    expect(fieldsOf(long.json())).toEqual(['query.from']);
  });
});

describe('GET /api/trains/trips/:tripId', () => {
  it('returns the trip with its stops and times', async () => {
    const res = await get(`/api/trains/trips/${tripIdOf(10)}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Value.Check(TripDetail, body)).toBe(true);
    expect(body).toMatchObject({ tripId: tripIdOf(10), trainNumber: '703', trainName: 'Mohanagar Godhuli', date: TODAY });
    expect(body.stops.map((s: { code: string }) => s.code)).toEqual([
      'CTG',
      'FNI',
      'LKM',
      'CML',
      'AKH',
      'BBR',
      'BHB',
      'NSD',
      'APT',
      'DHK',
    ]);
    expect(body.stops[0]).toEqual({
      code: 'CTG',
      name: 'Chattogram',
      arrival: null,
      departure: '2026-03-10T15:00:00+06:00',
      distanceKm: 0,
    });
    expect(body.stops.at(-1)).toMatchObject({
      code: 'DHK',
      arrival: '2026-03-10T21:30:00+06:00',
      departure: null,
      distanceKm: 321,
    });
    expect(body.classes.map((c: { class: string }) => c.class)).toEqual(['SHOVAN', 'S_CHAIR', 'SNIGDHA', 'AC_S']);
  });

  it('answers 404 for an unknown trip and 400 for a malformed id', async () => {
    const missing = await get('/api/trains/trips/99999');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('TRIP_NOT_FOUND');
    for (const id of ['abc', '0', '1.5']) {
      const res = await get(`/api/trains/trips/${id}`);
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json())).toEqual(['params.tripId']);
    }
  });
});

describe('GET /api/trains/trips/:tripId/seats', () => {
  it('shows every seat with its status for the whole route by default', async () => {
    ctx.booking.answer = () => ({ held: [10101], booked: [10102, 10501] });
    const res = await get(`/api/trains/trips/${tripIdOf(1)}/seats`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Value.Check(SeatMap, body)).toBe(true);
    expect(body).toMatchObject({ tripId: tripIdOf(1), from: 'DHK', to: 'CTG' });
    expect(body.coaches.map((c: { code: string }) => c.code)).toEqual(['KA', 'KHA', 'GA', 'GHA', 'UMA']);
    const seats = body.coaches.flatMap((c: { seats: { seatId: number; status: string }[] }) => c.seats);
    expect(seats).toHaveLength(275);
    const status = (id: number) => seats.find((s: { seatId: number }) => s.seatId === id).status;
    expect([status(10101), status(10102), status(10501), status(10103)]).toEqual(['held', 'booked', 'booked', 'available']);
    expect(body.coaches[0].seats[0]).toEqual({
      seatId: 10101,
      label: 'KA-1',
      row: 1,
      column: 1,
      position: 'window',
      status: 'held',
    });
    expect(body.coaches[0].fare).toBe(407);
    expect(ctx.booking.requests).toEqual([{ queries: [{ tripId: tripIdOf(1), from: 'DHK', to: 'CTG' }] }]);
  });

  it('asks for the segment requested, given by code or name, and prices it', async () => {
    const res = await get(`/api/trains/trips/${tripIdOf(2)}/seats?from=Bhairab%20Bazar&to=fni`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ from: 'BHB', to: 'FNI' });
    expect(res.json().coaches[0].fare).toBe(203); // S_CHAIR, 154 km: 15 + 1.22 x 154
    expect(ctx.booking.requests[0]?.queries).toEqual([{ tripId: tripIdOf(2), from: 'BHB', to: 'FNI' }]);
  });

  it('answers 400 for a station the trip does not call at or a segment against its direction', async () => {
    const notAStop = await get(`/api/trains/trips/${tripIdOf(1)}/seats?from=Feni`);
    expect(notAStop.statusCode).toBe(400);
    expect(fieldsOf(notAStop.json())).toEqual(['query.from']);
    const backwards = await get(`/api/trains/trips/${tripIdOf(1)}/seats?from=CTG&to=DHK`);
    expect(backwards.statusCode).toBe(400);
    expect(fieldsOf(backwards.json())).toEqual(['query.to']);
    const same = await get(`/api/trains/trips/${tripIdOf(1)}/seats?from=APT&to=APT`);
    expect(same.statusCode).toBe(400);
    expect(ctx.booking.requests).toHaveLength(0);
  });

  it('answers 404 for an unknown trip', async () => {
    const res = await get('/api/trains/trips/99999/seats');
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('TRIP_NOT_FOUND');
  });

  it('answers 503 with Retry-After rather than guess when the booking service cannot say', async () => {
    for (const override of [
      { status: 200, body: {}, delayMs: 1_000 },
      { status: 500, body: { status: 500 } },
      { status: 200, body: { results: [] } },
    ]) {
      ctx.booking.override = override;
      const res = await get(`/api/trains/trips/${tripIdOf(3)}/seats`);
      expect(res.statusCode).toBe(503);
      expect(res.json().code).toBe('AVAILABILITY_UNAVAILABLE');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
  });
});
