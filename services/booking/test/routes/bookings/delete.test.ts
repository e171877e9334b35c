/** DELETE /api/bookings/:id of a hold: released at once, idempotently, by its owner only. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../helpers/api.js';
import { makeInventory, seatPicker } from '../../helpers/fixtures.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const trip = makeInventory(34);
const seat = seatPicker(trip);
let h: Harness;
const { call, hold, seatStatus } = api(() => h, 34);

beforeAll(async () => {
  h = await startHarness([trip]);
});
afterAll(() => h?.close());

describe('DELETE /api/bookings/:id', () => {
  it('DELETE releases a hold at once and is idempotent', async () => {
    const id = await hold('releaser', [seat(30)]);
    expect(await seatStatus(seat(30))).toBe('held');
    expect((await call('other', 'DELETE', `/api/bookings/${id}`)).statusCode).toBe(404);
    const res = await call('releaser', 'DELETE', `/api/bookings/${id}`);
    expect(res.json()).toEqual({ bookingId: id, status: 'CANCELLED' });
    expect(await seatStatus(seat(30))).toBe('available');
    expect((await call('releaser', 'DELETE', `/api/bookings/${id}`)).json()).toEqual({ bookingId: id, status: 'CANCELLED' });
    const active = await h.pool.query(`SELECT active FROM booking_seats WHERE booking_id = $1`, [id]);
    expect(active.rows).toEqual([{ active: false }]);
    expect((await call('taker', 'POST', '/api/bookings/seats/select', { tripId: 34, seatIds: [seat(30)] })).statusCode).toBe(201);
  });
});
