/** GET /internal/bookings/:id: a booking as the payment service needs it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../helpers/api.js';
import { makeInventory, seatPicker } from '../../helpers/fixtures.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const trip = makeInventory(36);
const seat = seatPicker(trip);
let h: Harness;
const { hold } = api(() => h, 36);

beforeAll(async () => {
  h = await startHarness([trip]);
});
afterAll(() => h?.close());

describe('GET /internal/bookings/:id', () => {
  it('GET /internal/bookings/:id tells the payment service the amount and owner', async () => {
    const id = await hold('payer', [seat(50)]);
    const res = await h.app.inject({ method: 'GET', url: `/internal/bookings/${id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      bookingId: id,
      userId: 'payer',
      status: 'HELD',
      amount: 400,
      currency: 'BDT',
      tripId: 36,
    });
    expect(
      (await h.app.inject({ method: 'GET', url: '/internal/bookings/00000000-0000-4000-8000-000000000000' })).statusCode,
    ).toBe(404);
  });
});
