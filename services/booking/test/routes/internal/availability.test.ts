/** POST /internal/availability: held and booked seats per trip and segment, for the train service. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../../helpers/api.js';
import { makeInventory, seatPicker } from '../../helpers/fixtures.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const trip = makeInventory(35);
const seat = seatPicker(trip);
let h: Harness;
const { hold, pendingPayment } = api(() => h, 35);

beforeAll(async () => {
  h = await startHarness([trip]);
});
afterAll(() => h?.close());

describe('POST /internal/availability', () => {
  it('reports held and booked seats per segment', async () => {
    await pendingPayment('avail-paying', [seat(0)]);
    await hold('avail', [seat(40)], { from: 'DHK', to: 'BHB' });
    const res = await h.app.inject({
      method: 'POST',
      url: '/internal/availability',
      payload: {
        queries: [
          { tripId: 35, from: 'DHK', to: 'AKH' },
          { tripId: 35, from: 'BHB', to: 'CTG' },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const [a, b] = res.json().results;
    expect(a.held).toContain(seat(40));
    expect(b.held).not.toContain(seat(40));
    expect(b.booked).toContain(seat(0)); // PENDING_PAYMENT counts as booked
    const bad = await h.app.inject({
      method: 'POST',
      url: '/internal/availability',
      payload: { queries: [{ tripId: 35, from: 'CTG', to: 'DHK' }] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].field).toBe('body.queries.0.to');
    const unknown = await h.app.inject({
      method: 'POST',
      url: '/internal/availability',
      payload: { queries: [{ tripId: 77, from: 'DHK', to: 'BHB' }] },
    });
    expect(unknown.statusCode).toBe(400);
    expect((await h.app.inject({ method: 'POST', url: '/internal/availability', payload: { queries: [] } })).statusCode).toBe(
      400,
    );
  });
});
