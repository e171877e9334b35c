/**
 * cancelConfirmedBooking: CONFIRMED -> CANCELLED with a refund of the payment; the seats are free at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelConfirmedBooking } from '../../src/use-cases/cancel-confirmed-booking.js';
import { makeInventory, seatPicker } from '../helpers/fixtures.js';
import { events, paid, payable, user } from '../helpers/flows.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { selectSeats } from '../../src/use-cases/select-seats.js';

const trip = makeInventory(41);
const seat = seatPicker(trip);
let h: Harness;

beforeAll(async () => {
  h = await startHarness([trip], { holdTtlSeconds: 1 });
});
afterAll(() => h?.close());

describe('cancelConfirmedBooking', () => {
  it('cancels a confirmed booking: the seats are freed and booking.cancelled asks for the refund, once', async () => {
    h.deps.settings.holdTtlSeconds = 60;
    try {
      const id = await payable(h, 41, 'payer', [seat(20), seat(21)]);
      const paymentId = '11111111-1111-4111-8111-111111111111';
      expect(await paid(h, id, paymentId)).toMatchObject({ outcome: 'confirmed', bookingId: id });
      const confirmed = await events(h.pool, 'booking.confirmed', id);
      await expect(selectSeats(h.deps, user('after'), { tripId: 41, seatIds: [seat(20)] })).rejects.toMatchObject({
        code: 'SEAT_UNAVAILABLE',
      });
      // cancelling the confirmed booking frees the seats and asks for the refund
      const cancelled = await cancelConfirmedBooking(h.deps, { bookingId: id, reason: 'USER_REQUEST' });
      expect(cancelled).toMatchObject({ status: 'CANCELLED', changed: true, refundAmount: confirmed[0]!.amount });
      expect((await cancelConfirmedBooking(h.deps, { bookingId: id, reason: 'USER_REQUEST' })).changed).toBe(false);
      const cancelEvents = (await events(h.pool, 'booking.cancelled', id)).filter((e) => e.reason === 'USER_REQUEST');
      expect(cancelEvents).toEqual([expect.objectContaining({ paymentId, refundAmount: confirmed[0]!.amount })]);
      await expect(selectSeats(h.deps, user('after'), { tripId: 41, seatIds: [seat(20)] })).resolves.toMatchObject({
        status: 'HELD',
      });
    } finally {
      h.deps.settings.holdTtlSeconds = 1;
    }
  });

  it('refuses to cancel a booking that is not confirmed, with a typed error', async () => {
    const held = await selectSeats(h.deps, user('odd'), { tripId: 41, seatIds: [seat(40)] });
    await expect(cancelConfirmedBooking(h.deps, { bookingId: held.bookingId, reason: 'x' })).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
    });
  });
});
