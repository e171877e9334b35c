// The waiting room's pass on the hot requests: kept per sale date in sessionStorage, sent as X-Queue-Pass on
// the seat map, select and confirm of that date's trips, forgotten when expired; a 403 QUEUE_REQUIRED tells
// the app (which sends the traveller to the room) and teaches the client the trip's sale date.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../src/api/client.js';
import { createApi } from '../src/api/endpoints.js';
import { ApiError } from '../src/api/errors.js';
import { passFor, rememberTripDate, resetQueueMemory, savePass, tripDate } from '../src/api/queue-pass.js';
import { createSessionStore } from '../src/api/session.js';
import { fakeFetch, json, problem, seatMap } from './fixtures.js';

function setup(responders: Parameters<typeof fakeFetch>[0]) {
  const { fetch, calls } = fakeFetch(responders);
  const session = createSessionStore(null);
  session.set({ token: 'access', refreshToken: 'refresh', expiresAt: Date.now() + 60_000, user: null });
  const onQueueRequired = vi.fn();
  const client = new ApiClient({ session, fetch, jitterMs: () => 0, sleep: async () => undefined, onQueueRequired });
  return { api: createApi(client), calls, onQueueRequired };
}

beforeEach(() => resetQueueMemory());

describe('queue passes', () => {
  it('sends the date’s pass with the seat map, the select and the confirm of its trips only', async () => {
    rememberTripDate(7, '2026-12-10');
    rememberTripDate(8, '2026-12-11');
    savePass('2026-12-10', { pass: 'pass-10', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    const { api, calls } = setup([
      json(200, seatMap()),
      json(201, { bookingId: 'b1' }),
      json(200, { bookingId: 'b1', otpSentTo: '+8801*****678' }),
      json(200, seatMap({ tripId: 8 })),
    ]);
    const { data } = await api.seats(7, { from: 'DHK', to: 'CTG' });
    expect(data.tripId).toBe(7);
    await api.allocateSeats({ tripId: 7, class: 'S_CHAIR', count: 2 });
    await api.confirm({ bookingId: 'b1', passengers: [{ name: 'Nusrat Jahan' }] }, { tripId: 7 });
    await api.seats(8, {});
    expect(calls.map((c) => c.headers['x-queue-pass'])).toEqual(['pass-10', 'pass-10', 'pass-10', undefined]);
    // A pass is bound to its account: the seat map carries the access token with it, and stays anonymous
    // (shared by the gateway's micro-cache) without one.
    expect(calls.map((c) => c.headers.authorization)).toEqual(['Bearer access', 'Bearer access', 'Bearer access', undefined]);
    expect(calls[1]?.body).toEqual({ tripId: 7, class: 'S_CHAIR', count: 2 });
  });

  it('forgets an expired pass', () => {
    savePass('2026-12-10', { pass: 'old', expiresAt: new Date(Date.now() - 1000).toISOString() });
    expect(passFor('2026-12-10')).toBeNull();
    expect(sessionStorage.getItem('rail.queuePass.2026-12-10')).toBeNull();
  });

  it('on 403 QUEUE_REQUIRED tells the app where to queue and remembers the trip’s sale date', async () => {
    const { api, onQueueRequired } = setup([
      problem(403, 'QUEUE_REQUIRED', { date: '2026-12-10', queue: '/api/queue/sales/2026-12-10' }),
    ]);
    const err = (await api.seats(9, {}).catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe('QUEUE_REQUIRED');
    expect(err.queueDate).toBe('2026-12-10');
    expect(onQueueRequired).toHaveBeenCalledWith(expect.objectContaining({ code: 'QUEUE_REQUIRED', date: '2026-12-10' }));
    expect(tripDate(9)).toBe('2026-12-10');
  });

  it('treats the 401 an anonymous seat map of a guarded sale gets as the way to the room, and no other 401', async () => {
    const { api, onQueueRequired } = setup([
      problem(401, 'TOKEN_MISSING', { date: '2026-12-12', queue: '/api/queue/sales/2026-12-12' }),
      problem(401, 'TOKEN_MISSING'),
    ]);
    const err = (await api.seats(11, {}).catch((e: unknown) => e)) as ApiError;
    expect(err.needsQueue).toBe(true);
    expect(onQueueRequired).toHaveBeenCalledWith(expect.objectContaining({ status: 401, date: '2026-12-12' }));
    expect(tripDate(11)).toBe('2026-12-12');

    const plain = (await api.seats(12, {}).catch((e: unknown) => e)) as ApiError;
    expect(plain.needsQueue).toBe(false);
    expect(onQueueRequired).toHaveBeenCalledTimes(1);
    expect(tripDate(12)).toBeUndefined();
  });
});
