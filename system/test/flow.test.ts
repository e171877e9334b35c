/**
 * The whole API flow through the gateway, as a user's client makes it: register -> login -> search ->
 * seat map -> select -> confirm (OTP) -> verify OTP -> initiate payment -> pay -> booking CONFIRMED (the
 * booking service consumed payment.succeeded) -> e-ticket in the notification inbox. And the failure
 * branches on the same system: a declined card then a successful retry, and the cancellation of a
 * confirmed booking (refund, seat free for others). The expired-hold branch needs a short hold time and
 * has its own system (flow-expiry.test.ts). Real services, real nginx, fresh databases (startSystem with seed).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_DECLINED, CARD_OK, expectStatus, journey, type Traveller } from './support/flow.js';
import { send, type Received } from '../../gateway/test/support/http.js';
import { startSystem, type RunningSystem } from './support/system.js';

let system: RunningSystem;

function tomorrowInDhaka(): string {
  const dhaka = new Date(Date.now() + 6 * 3600_000 + 24 * 3600_000);
  return dhaka.toISOString().slice(0, 10);
}

function api(method: string, path: string, body?: unknown, token?: string): Promise<Received> {
  return send(`${system.url}${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(method === 'POST' ? { 'idempotency-key': randomUUID() } : {}),
    },
  });
}

beforeAll(async () => {
  system = await startSystem({ seed: true, bookingReplicas: 2 });
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

const paidJourney: { bookingId?: string; paymentId?: string; seatId?: number; traveller?: Traveller } = {};

describe('the booking journey through the gateway', () => {
  it('registers, logs in, searches, holds a seat, confirms with the OTP and pays', async () => {
    const email = `flow-${randomUUID().slice(0, 8)}@example.com`;
    const phone = `017${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
    const password = 'correct horse battery staple';

    expectStatus(await api('POST', '/api/auth/register', { name: 'Flow Test', email, phone, password }), 201);
    const login = await api('POST', '/api/auth/login', { email, password });
    expectStatus(login, 200);
    const token = login.json<{ token: string }>().token;

    const search = await api('GET', `/api/trains/search?from=DHK&to=CTG&date=${tomorrowInDhaka()}`);
    expectStatus(search, 200);
    const trip = search.json<{ trips: { tripId: number; from: { code: string }; to: { code: string } }[] }>().trips[0];
    if (!trip) throw new Error(`no trip from DHK to CTG tomorrow: ${search.body}`);

    // The seat map, read through the gateway; the helper also remembers the seat so later tests pick another.
    const seat = { seatId: await journey(system.url).availableSeat(trip) };

    const select = await api(
      'POST',
      '/api/bookings/seats/select',
      { tripId: trip.tripId, seatIds: [seat.seatId], from: trip.from.code, to: trip.to.code },
      token,
    );
    expectStatus(select, 201);
    const { bookingId } = select.json<{ bookingId: string }>();

    const confirm = await api('POST', '/api/bookings/seats/confirm', { bookingId, passengers: [{ name: 'Flow Test' }] }, token);
    expectStatus(confirm, 200, 201);
    const otp = confirm.json<{ devOtp?: string }>().devOtp;
    if (!otp) throw new Error(`no devOtp echoed: ${confirm.body}`);

    const verified = await api('POST', `/api/bookings/${bookingId}/verify-otp`, { otp }, token);
    expectStatus(verified, 200, 201);
    expect(verified.json()).toMatchObject({ status: 'PENDING_PAYMENT' });

    const initiated = await api('POST', '/api/payments/initiate', { bookingId }, token);
    expectStatus(initiated, 200, 201);
    const { paymentId } = initiated.json<{ paymentId: string }>();

    const paid = await api(
      'POST',
      '/api/payments/verify',
      { paymentId, method: 'card', cardNumber: '4242 4242 4242 4242', expiry: '12/30', cvc: '123' },
      token,
    );
    expectStatus(paid, 200);
    expect(paid.json()).toMatchObject({ status: 'SUCCEEDED' });
    Object.assign(paidJourney, { bookingId, paymentId, seatId: seat.seatId, traveller: { token, email, phone } });
  });

  it('confirms the booking and delivers the e-ticket (with its reference) to the inbox', async () => {
    const { bookingId, traveller } = paidJourney;
    if (!bookingId || !traveller) throw new Error('the journey did not reach payment');
    const flow = journey(system.url);
    const confirmed = await flow.waitForBooking(traveller, bookingId, 'CONFIRMED');
    expect(confirmed.reference).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/);
    const ticket = await flow.waitForMessage(traveller, 'the e-ticket', (m) => m.kind === 'ticket');
    expect(ticket.body).toContain(confirmed.reference);
    expect(ticket.qr).toBeTruthy();
    // One e-ticket per channel, however the events were delivered.
    const tickets = (await flow.inbox(traveller)).filter((m) => m.kind === 'ticket');
    expect(new Set(tickets.map((m) => m.to)).size).toBe(tickets.length);
  });
});

describe('one-time codes from the auth service', () => {
  it("reach the traveller's phone through the outbox, the broker and the notification service", async () => {
    const flow = journey(system.url);
    const traveller = await flow.register('Code Reader');
    const requested = await flow.api('POST', '/api/auth/otp/request', { phone: traveller.phone, purpose: 'login' });
    expectStatus(requested, 202);
    const { devCode } = requested.json<{ devCode?: string }>();
    if (!devCode) throw new Error(`no devCode echoed: ${requested.body}`);
    const sms = await flow.waitForMessage(traveller, 'the login code SMS', (m) => m.kind === 'otp');
    expect(sms.body).toContain(devCode);
  });
});

describe('failure branches through the gateway', () => {
  it('a declined card leaves the booking PENDING_PAYMENT; a retry with a good card confirms it', async () => {
    const flow = journey(system.url);
    const traveller = await flow.register('Declined Then Paid');
    const trip = await flow.tripTomorrow();
    const bookingId = await flow.holdForPayment(traveller, trip, await flow.availableSeat(trip));
    const paymentId = await flow.initiate(traveller, bookingId);

    const declined = await flow.pay(traveller, paymentId, CARD_DECLINED);
    expect(declined).toMatchObject({ status: 'FAILED', reason: expect.any(String) });
    await flow.waitForPayment(traveller, paymentId, 'FAILED');
    // payment.failed changes nothing: the traveller can try again while the hold lasts.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await flow.booking(traveller, bookingId)).status).toBe('PENDING_PAYMENT');

    expect(await flow.pay(traveller, paymentId, CARD_OK)).toMatchObject({ status: 'SUCCEEDED' });
    const confirmed = await flow.waitForBooking(traveller, bookingId, 'CONFIRMED');
    const ticket = await flow.waitForMessage(traveller, 'the e-ticket', (m) => m.kind === 'ticket');
    expect(ticket.body).toContain(confirmed.reference);
  });

  it('cancelling a confirmed booking refunds the payment and frees the seat for another traveller', async () => {
    const { bookingId, paymentId, seatId, traveller } = paidJourney;
    if (!bookingId || !paymentId || seatId === undefined || !traveller) throw new Error('the journey did not reach payment');
    const flow = journey(system.url);
    const { reference } = await flow.waitForBooking(traveller, bookingId, 'CONFIRMED');
    const trip = await flow.tripTomorrow();
    const other = await flow.register('Next In Line');
    expectStatus(await flow.select(other, trip, seatId), 409);

    const cancelled = await flow.api('DELETE', `/api/bookings/${bookingId}`, undefined, traveller.token);
    expectStatus(cancelled, 200);
    expect(cancelled.json()).toEqual({ bookingId, status: 'CANCELLED' });
    expect((await flow.booking(traveller, bookingId)).status).toBe('CANCELLED');

    // The seat is free at once.
    expectStatus(await flow.select(other, trip, seatId), 201);
    // booking.cancelled -> the payment service refunds -> payment.refunded -> the traveller is told.
    const payment = await flow.waitForPayment(traveller, paymentId, 'REFUNDED');
    const refund = await flow.waitForMessage(traveller, 'the refund notice', (m) => m.kind === 'refund');
    expect(refund.body).toContain(payment.amount.toLocaleString('en-US'));
    const notice = await flow.waitForMessage(traveller, 'the cancellation notice', (m) => m.kind === 'cancellation');
    expect(notice.body).toContain(reference);
  });
});
