/** GET /api/bookings/:id and GET /api/bookings: one's own bookings only, newest first, page by page. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../helpers/api.js';
import { makeInventory, seatPicker } from '../../helpers/fixtures.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const trip = makeInventory(33);
const seat = seatPicker(trip);
let h: Harness;
const { call, hold } = api(() => h, 33);

beforeAll(async () => {
  h = await startHarness([trip]);
});
afterAll(() => h?.close());

describe('reads', () => {
  it('GET /:id is owner-only (404 for anyone else, 401 without a token)', async () => {
    const id = await hold('reader', [seat(10)]);
    const mine = await call('reader', 'GET', `/api/bookings/${id}`);
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toMatchObject({
      bookingId: id,
      status: 'HELD',
      tripId: 33,
      seats: [{ seatId: seat(10), label: 'KA-11' }],
      reference: null,
    });
    expect((await call('someone-else', 'GET', `/api/bookings/${id}`)).statusCode).toBe(404);
    expect((await call(null, 'GET', `/api/bookings/${id}`)).statusCode).toBe(401);
    expect((await call('reader', 'GET', '/api/bookings/not-a-uuid')).statusCode).toBe(400);
  });

  it('GET / lists my bookings newest first, page by page', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await hold('lister', [seat(20 + i)]));
    const page1 = await call('lister', 'GET', '/api/bookings?limit=2');
    expect(page1.statusCode).toBe(200);
    expect(page1.json().items.map((b: { bookingId: string }) => b.bookingId)).toEqual([ids[2], ids[1]]);
    const page2 = await call('lister', 'GET', `/api/bookings?limit=2&cursor=${page1.json().nextCursor}`);
    expect(page2.json()).toMatchObject({ items: [{ bookingId: ids[0] }], nextCursor: null });
    expect((await call('lister', 'GET', '/api/bookings?limit=500')).statusCode).toBe(400);
    expect((await call('lister', 'GET', '/api/bookings?cursor=bad!')).statusCode).toBe(400);
    expect((await call('lister', 'GET', '/api/bookings?cursor=Zm9v')).json().code).toBe('INVALID_CURSOR');
    expect((await call('nobody', 'GET', '/api/bookings')).json()).toEqual({ items: [], nextCursor: null });
  });
});
