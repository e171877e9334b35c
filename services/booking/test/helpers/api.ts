/** HTTP helpers for route tests over a harness: authenticated calls, a hold, a seat's status as availability reports it. */
import { expect } from 'vitest';
import type { Harness } from './harness.js';

export const passengers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `Passenger ${i + 1}`, age: 30 + i }));

/** `harness` is read at call time, so the helpers can be made before beforeAll starts it. */
export function api(harness: () => Harness, tripId: number) {
  async function call(userId: string | null, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
    const h = harness();
    const headers = userId ? await h.auth(userId) : {};
    return h.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  }

  /** A 201 hold; its booking id. */
  async function hold(userId: string, seats: number[], segment: { from?: string; to?: string } = {}): Promise<string> {
    const res = await call(userId, 'POST', '/api/bookings/seats/select', { tripId, seatIds: seats, ...segment });
    expect(res.statusCode).toBe(201);
    return res.json().bookingId as string;
  }

  /** A booking awaiting payment, through the API (hold, confirm passengers, verify the OTP). */
  async function pendingPayment(userId: string, seats: number[]): Promise<string> {
    const id = await hold(userId, seats);
    const confirm = await call(userId, 'POST', '/api/bookings/seats/confirm', {
      bookingId: id,
      passengers: passengers(seats.length),
    });
    expect(confirm.statusCode).toBe(200);
    const verify = await call(userId, 'POST', `/api/bookings/${id}/verify-otp`, { otp: confirm.json().devOtp });
    expect(verify.statusCode).toBe(200);
    return id;
  }

  /** The seat's status over the whole route, as the train service would see it. */
  async function seatStatus(seatId: number): Promise<string> {
    const res = await harness().app.inject({
      method: 'POST',
      url: '/internal/availability',
      payload: { queries: [{ tripId, from: 'DHK', to: 'CTG' }] },
    });
    const r = res.json().results[0];
    return r.held.includes(seatId) ? 'held' : r.booked.includes(seatId) ? 'booked' : 'available';
  }

  return { call, hold, pendingPayment, seatStatus };
}
