// The API client: problem bodies, 429/503 retry after Retry-After, 409 passthrough, token refresh on 401.
import { describe, expect, it, vi } from 'vitest';
import { ApiClient, type BusyState } from '../src/api/client.js';
import { createApi } from '../src/api/endpoints.js';
import { ApiError, parseRetryAfter } from '../src/api/errors.js';
import { createSessionStore } from '../src/api/session.js';
import { fakeFetch, json, problem } from './fixtures.js';

function setup(responders: Parameters<typeof fakeFetch>[0], opts: { signedIn?: boolean; maxBusyRetries?: number } = {}) {
  const { fetch, calls } = fakeFetch(responders);
  const session = createSessionStore(null);
  if (opts.signedIn !== false)
    session.set({ token: 'old-access', refreshToken: 'refresh-1', expiresAt: Date.now() + 60_000, user: null });
  const sleeps: number[] = [];
  const onSessionExpired = vi.fn();
  const client = new ApiClient({
    session,
    fetch,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    jitterMs: () => 0,
    maxBusyRetries: opts.maxBusyRetries ?? 5,
    onSessionExpired,
  });
  return { client, api: createApi(client), calls, sleeps, session, onSessionExpired };
}

const hold = {
  bookingId: 'b1',
  status: 'HELD',
  expiresAt: '2026-04-01T10:05:00Z',
  tripId: 7,
  from: 'DHK',
  to: 'CTG',
  seats: [],
  amount: 810,
};

describe('ApiClient', () => {
  it('waits out a 429 for the Retry-After seconds, tells the UI, and retries with the same Idempotency-Key', async () => {
    const { client, api, calls, sleeps } = setup([problem(429, 'RATE_LIMITED', {}, { 'retry-after': '3' }), json(201, hold)]);
    const busy: (BusyState | null)[] = [];
    client.onBusyChange((s) => busy.push(s));
    const res = await api.selectSeats({ tripId: 7, seatIds: [101], from: 'DHK', to: 'CTG' });
    expect(res.bookingId).toBe('b1');
    expect(sleeps).toEqual([3000]);
    expect(calls).toHaveLength(2);
    const key = calls[0]?.headers['idempotency-key'];
    expect(key).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(calls[1]?.headers['idempotency-key']).toBe(key);
    expect(busy[0]).toMatchObject({ status: 429, attempt: 1 });
    expect(busy.at(-1)).toBeNull();
  });

  it('retries a 503 with backoff when no Retry-After is given, then gives up with the problem', async () => {
    const { api, calls, sleeps } = setup(
      [problem(503, 'UNAVAILABLE'), problem(503, 'UNAVAILABLE'), problem(503, 'UNAVAILABLE')],
      { maxBusyRetries: 2 },
    );
    const err = await api.stations().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(503);
    expect(sleeps).toEqual([1000, 2000]);
    expect(calls).toHaveLength(3);
  });

  it('does not retry when the caller says a 429 means stop (a lockout)', async () => {
    const { api, calls } = setup([problem(429, 'TOO_MANY_ATTEMPTS', {}, { 'retry-after': '900' })], { signedIn: false });
    const err = (await api.login({ email: 'a@b.c', password: 'x' }, { retryBusy: false }).catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(429);
    expect(err.retryAfter).toBe(900);
    expect(calls).toHaveLength(1);
  });

  it('passes a 409 SEAT_UNAVAILABLE through at once with the taken seat ids', async () => {
    const { api, calls } = setup([problem(409, 'SEAT_UNAVAILABLE', { seatIds: [102] })]);
    const err = (await api.selectSeats({ tripId: 7, seatIds: [101, 102] }).catch((e: unknown) => e)) as ApiError;
    expect(err.code).toBe('SEAT_UNAVAILABLE');
    expect(err.seatIds).toEqual([102]);
    expect(err.problem.requestId).toBe('req-1');
    expect(calls).toHaveLength(1);
  });

  it('refreshes an expired access token once and replays the request', async () => {
    const { api, calls, session } = setup([
      problem(401, 'TOKEN_EXPIRED'),
      json(200, { token: 'new-access', refreshToken: 'refresh-2', expiresIn: 900 }),
      json(200, { items: [], nextCursor: null }),
    ]);
    await expect(api.bookings()).resolves.toEqual({ items: [], nextCursor: null });
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      'GET /api/bookings',
      'POST /api/auth/refresh',
      'GET /api/bookings',
    ]);
    expect(calls[1]?.body).toEqual({ refreshToken: 'refresh-1' });
    expect(calls[1]?.headers.authorization).toBeUndefined();
    expect(calls[2]?.headers.authorization).toBe('Bearer new-access');
    expect(session.get()?.refreshToken).toBe('refresh-2');
  });

  it('shares one refresh between requests that fail together', async () => {
    const { api, calls } = setup([
      problem(401, 'TOKEN_EXPIRED'),
      problem(401, 'TOKEN_EXPIRED'),
      json(200, { token: 'new-access', refreshToken: 'refresh-2', expiresIn: 900 }),
      json(200, { items: [], nextCursor: null }),
      json(200, { items: [], nextCursor: null }),
    ]);
    await Promise.all([api.bookings(), api.bookings()]);
    expect(calls.filter((c) => c.url === '/api/auth/refresh')).toHaveLength(1);
  });

  it('ends the session and says so when the refresh token is no good', async () => {
    const { api, session, onSessionExpired } = setup([problem(401, 'TOKEN_EXPIRED'), problem(401, 'INVALID_REFRESH_TOKEN')]);
    const err = (await api.booking('b1').catch((e: unknown) => e)) as ApiError;
    expect(err.status).toBe(401);
    expect(session.get()).toBeNull();
    expect(onSessionExpired).toHaveBeenCalledTimes(1);
  });

  it('turns a network failure into a NETWORK ApiError and a non-JSON error page into a problem', async () => {
    const { api } = setup([
      () => {
        throw new TypeError('Failed to fetch');
      },
      () =>
        new Response('<html>Bad gateway</html>', {
          status: 502,
          statusText: 'Bad Gateway',
          headers: { 'content-type': 'text/html' },
        }),
    ]);
    const e1 = (await api.stations().catch((e: unknown) => e)) as ApiError;
    expect([e1.status, e1.code]).toEqual([0, 'NETWORK']);
    const e2 = (await api.stations().catch((e: unknown) => e)) as ApiError;
    expect([e2.status, e2.code, e2.message]).toEqual([502, 'HTTP_502', 'Bad Gateway']);
  });

  it('maps validation errors to the form fields they name', () => {
    const err = new ApiError({
      type: 't',
      title: 'Bad',
      status: 400,
      errors: [{ field: '/body/phone', message: 'must be a Bangladeshi mobile' }],
    });
    expect(err.fieldErrors).toEqual({ phone: 'must be a Bangladeshi mobile' });
    // As @rail/http names them: `body.` / `query.` and a path into arrays.
    const nested = new ApiError({
      type: 't',
      title: 'Bad',
      status: 400,
      errors: [
        { field: 'body.passengers.1.name', message: 'must NOT have fewer than 1 characters' },
        { field: 'query.date', message: 'outside' },
        { field: 'body.cardNumber', message: 'is not a valid card number' },
      ],
    });
    expect(Object.keys(nested.fieldErrors)).toEqual(['passengers.1.name', 'date', 'cardNumber']);
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-04-01T10:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Wed, 01 Apr 2026 10:00:12 GMT', now)).toBe(12);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('estimates server time from the Date header', async () => {
    const serverDate = new Date(Date.now() + 120_000).toUTCString();
    const { client, api } = setup([json(200, { stations: [] }, { date: serverDate })]);
    await api.stations();
    expect(Math.abs(client.serverNow() - (Date.now() + 120_000))).toBeLessThan(1500);
  });
});
