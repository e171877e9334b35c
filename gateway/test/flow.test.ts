/**
 * The whole API flow through the gateway, as a user's client makes it: register -> login -> search ->
 * seat map -> select -> confirm (OTP) -> verify OTP -> initiate payment -> pay -> booking CONFIRMED ->
 * e-ticket in the notification inbox. Real services, real nginx, fresh databases (startSystem with seed).
 * Runs once every service has landed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES, isServicePresent } from '../topology.mjs';
import { send, type Received } from './support/http.js';
import { startSystem, type RunningSystem } from './support/system.js';

const allPresent = SERVICES.every((s) => isServicePresent(s.name));
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

function expectStatus(res: Received, ...statuses: number[]): void {
  if (!statuses.includes(res.status)) throw new Error(`expected ${statuses.join(' or ')}, got ${res.status}: ${res.body}`);
}

beforeAll(async () => {
  if (allPresent) system = await startSystem({ seed: true, bookingReplicas: 2 });
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

const journey: { bookingId?: string; token?: string; email?: string; phone?: string } = {};

describe.runIf(allPresent)('the booking journey through the gateway', () => {
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

    const map = await api('GET', `/api/trains/trips/${trip.tripId}/seats?from=${trip.from.code}&to=${trip.to.code}`);
    expectStatus(map, 200);
    const seat = map
      .json<{ coaches: { seats: { seatId: number; status: string }[] }[] }>()
      .coaches.flatMap((c) => c.seats)
      .find((s) => s.status === 'available');
    if (!seat) throw new Error('no available seat');

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
    Object.assign(journey, { bookingId, token, email, phone });
  });

  // Enable (it.skip -> it) once booking consumes payment.succeeded (issue 5): today the booking stays
  // PENDING_PAYMENT after a successful payment, because the booking service has no event consumer yet.
  it.skip('confirms the booking and delivers the e-ticket to the inbox', async () => {
    const { bookingId, token, email, phone } = journey;
    if (!bookingId || !token || !email || !phone) throw new Error('the journey did not reach payment');
    let status = '';
    for (let i = 0; i < 60 && status !== 'CONFIRMED'; i++) {
      const booking = await api('GET', `/api/bookings/${bookingId}`, undefined, token);
      status = booking.json<{ status: string }>().status;
      if (status !== 'CONFIRMED') await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe('CONFIRMED');

    let ticket: unknown;
    for (let i = 0; i < 60 && !ticket; i++) {
      for (const to of [email, phone]) {
        const inbox = await api('GET', `/api/notifications/inbox?to=${encodeURIComponent(to)}`);
        if (inbox.status !== 200) continue;
        ticket ??= inbox.json<{ messages: { kind: string; body: string }[] }>().messages.find((m) => m.kind === 'ticket');
      }
      if (!ticket) await new Promise((r) => setTimeout(r, 250));
    }
    expect(ticket).toBeDefined();
  });
});
