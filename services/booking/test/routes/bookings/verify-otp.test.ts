/** POST /api/bookings/:id/verify-otp: the right code moves the hold to PENDING_PAYMENT; too many wrong ones release it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, passengers } from '../../helpers/api.js';
import { makeInventory, seatPicker } from '../../helpers/fixtures.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const trip = makeInventory(32);
const seat = seatPicker(trip);
let h: Harness;
const { call, hold, seatStatus } = api(() => h, 32);

beforeAll(async () => {
  h = await startHarness([trip]);
});
afterAll(() => h?.close());

describe('POST /api/bookings/:id/verify-otp', () => {
  it('verifies the code -> PENDING_PAYMENT (seats booked for everyone else), idempotently', async () => {
    const id = await hold('flow-1', [seat(0), seat(1)]);
    const confirm = await call('flow-1', 'POST', '/api/bookings/seats/confirm', { bookingId: id, passengers: passengers(2) });
    expect(confirm.statusCode).toBe(200);
    const body = confirm.json();
    const verify = await call('flow-1', 'POST', `/api/bookings/${id}/verify-otp`, { otp: body.devOtp });
    expect(verify.statusCode).toBe(200);
    expect(verify.json()).toMatchObject({ bookingId: id, status: 'PENDING_PAYMENT', amount: 800, currency: 'BDT' });
    expect(await seatStatus(seat(0))).toBe('booked');
    // idempotent
    const again = await call('flow-1', 'POST', `/api/bookings/${id}/verify-otp`, { otp: body.devOtp });
    expect(again.statusCode).toBe(200);
    const view = await call('flow-1', 'GET', `/api/bookings/${id}`);
    expect(view.json()).toMatchObject({ status: 'PENDING_PAYMENT', passengers: passengers(2) });
  });

  it('wrong code -> 400 with attempts left; the 5th wrong code -> 429 and the seats are free', async () => {
    const id = await hold('flow-2', [seat(2)]);
    const { devOtp } = (
      await call('flow-2', 'POST', '/api/bookings/seats/confirm', { bookingId: id, passengers: passengers(1) })
    ).json();
    const wrong = devOtp === '000000' ? '111111' : '000000';
    for (let i = 1; i <= 4; i++) {
      const res = await call('flow-2', 'POST', `/api/bookings/${id}/verify-otp`, { otp: wrong });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'OTP_INVALID', attemptsLeft: 5 - i });
    }
    expect(await seatStatus(seat(2))).toBe('held');
    const last = await call('flow-2', 'POST', `/api/bookings/${id}/verify-otp`, { otp: wrong });
    expect(last.statusCode).toBe(429);
    expect(last.json().code).toBe('OTP_ATTEMPTS_EXCEEDED');
    expect(await seatStatus(seat(2))).toBe('available');
    expect((await call('flow-2', 'GET', `/api/bookings/${id}`)).json().status).toBe('CANCELLED');
    // even the right code is now refused
    expect((await call('flow-2', 'POST', `/api/bookings/${id}/verify-otp`, { otp: devOtp })).statusCode).toBe(409);
    expect((await call('flow-3', 'POST', '/api/bookings/seats/select', { tripId: 32, seatIds: [seat(2)] })).statusCode).toBe(201);
  });

  it('refuses a malformed code, a code before one was sent, and a request without a token', async () => {
    const id = await hold('flow-4', [seat(3), seat(4)]);
    const notOtp = await call('flow-4', 'POST', `/api/bookings/${id}/verify-otp`, { otp: '12ab' });
    expect(notOtp.statusCode).toBe(400);
    const before = await call('flow-4', 'POST', `/api/bookings/${id}/verify-otp`, { otp: '123456' });
    expect(before.statusCode).toBe(409);
    expect(before.json().code).toBe('OTP_NOT_REQUESTED');
    expect((await call(null, 'POST', `/api/bookings/${id}/verify-otp`, { otp: '123456' })).statusCode).toBe(401);
  });
});
