/**
 * The per-account select budget holds at the service, whatever token text the account uses: several valid
 * tokens of one user, sent together, share one budget in the real Redis (the gateway keyed its per-user
 * zone on the token text, so eight tokens made eight budgets).
 */
import { USER_BUDGETS } from '@rail/rate-limit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeInventory, seatPicker } from '../../helpers/fixtures.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const trip = makeInventory(1);
const seat = seatPicker(trip);
const { select } = USER_BUDGETS;
let h: Harness;

beforeAll(async () => {
  h = await startHarness([trip]);
});
afterAll(() => h?.close());

describe('POST /api/bookings/seats/select per-account budget', () => {
  it('lets several valid tokens of one account together make no more selects than its budget', async () => {
    const tokens = await Promise.all(Array.from({ length: 8 }, (_, i) => h.token('u-many-tokens', { session: i })));
    expect(new Set(tokens).size).toBe(8);
    const responses = await Promise.all(
      Array.from({ length: 48 }, (_, i) =>
        h.app.inject({
          method: 'POST',
          url: '/api/bookings/seats/select',
          headers: { authorization: `Bearer ${tokens[i % tokens.length] as string}` },
          payload: { tripId: 1, seatIds: [seat(i)] },
        }),
      ),
    );
    const limited = responses.filter((res) => res.statusCode === 429);
    const served = responses.length - limited.length;
    // One second's budget plus the burst; a window boundary during the burst may add one more second's.
    expect(served).toBeGreaterThanOrEqual(select.perSecond + select.burst);
    expect(served).toBeLessThanOrEqual(2 * select.perSecond + select.burst);
    for (const res of limited) {
      expect(res.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // Someone else still selects.
    const other = await h.app.inject({
      method: 'POST',
      url: '/api/bookings/seats/select',
      headers: await h.auth('u-someone-else'),
      payload: { tripId: 1, seatIds: [seat(60)] },
    });
    expect(other.statusCode).toBe(201);
  });
});
