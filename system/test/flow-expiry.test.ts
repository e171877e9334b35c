/**
 * The expired-hold branch of the whole API flow through the gateway, on its own system with a short hold
 * (HOLD_TTL_SECONDS=4): the traveller starts a payment, the hold runs out, the card is charged late -> the
 * booking stays EXPIRED, the payment is refunded (payment REFUNDED, refund notice in the inbox, no e-ticket)
 * and the seat is free for another traveller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_OK, expectStatus, journey } from './support/flow.js';
import { startSystem, type RunningSystem } from './support/system.js';

const HOLD_TTL_SECONDS = 4;
let system: RunningSystem;

beforeAll(async () => {
  system = await startSystem({
    seed: true,
    bookingReplicas: 1,
    env: { HOLD_TTL_SECONDS: String(HOLD_TTL_SECONDS), EXPIRY_INTERVAL_MS: '250' },
  });
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

describe('a hold that expires before payment', () => {
  it('a late successful payment is refunded, the booking stays EXPIRED and the seat is free for others', async () => {
    const flow = journey(system.url);
    const traveller = await flow.register('Too Slow');
    const trip = await flow.tripTomorrow();
    const seatId = await flow.availableSeat(trip);
    const bookingId = await flow.holdForPayment(traveller, trip, seatId);
    const paymentId = await flow.initiate(traveller, bookingId);

    await flow.waitForBooking(traveller, bookingId, 'EXPIRED');
    // The provider still charges the card: the payment service does not know the hold ran out.
    expect(await flow.pay(traveller, paymentId, CARD_OK)).toMatchObject({ status: 'SUCCEEDED' });

    const payment = await flow.waitForPayment(traveller, paymentId, 'REFUNDED');
    // Two notices, in either order: why the payment goes back (booking.cancelled) and that it did (payment.refunded).
    const why = await flow.waitForMessage(traveller, 'the hold-expired notice', (m) =>
      /expired before the payment/i.test(m.body),
    );
    expect(why.kind).toBe('refund');
    const refunded = await flow.waitForMessage(traveller, 'the refund notice', (m) => /we have refunded/i.test(m.body));
    expect(refunded.body).toContain(payment.amount.toLocaleString('en-US'));
    expect(refunded.body).toContain('PAID_AFTER_EXPIRY');
    expect(await flow.booking(traveller, bookingId)).toMatchObject({ status: 'EXPIRED', reference: null });
    expect((await flow.inbox(traveller)).filter((m) => m.kind === 'ticket')).toEqual([]);

    const other = await flow.register('Next In Line');
    expectStatus(await flow.select(other, trip, seatId), 201);
  });
});
