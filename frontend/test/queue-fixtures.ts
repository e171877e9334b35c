// A sale and places in its waiting room, as the queue service answers them, and an Api over a routed fake fetch.
import { ApiClient } from '../src/api/client.js';
import { createApi } from '../src/api/endpoints.js';
import { createSessionStore } from '../src/api/session.js';
import type { Place, Sale } from '../src/api/types.js';

export const DATE = '2026-12-10';
export const OPENS = '2026-12-02T02:00:00.000Z'; // 08:00 in Dhaka

export function sale(overrides: Partial<Sale> = {}): Sale {
  return {
    date: DATE,
    opensAt: OPENS,
    roomOpensAt: '2026-12-02T01:30:00.000Z',
    roomActive: true,
    roomReason: 'scheduled',
    status: 'queueing',
    seatsLeft: 1375,
    waiting: 40,
    activeShoppers: 10,
    rule: { opensDaysBefore: 8, opensAtLocal: '08:00', timeZone: 'Asia/Dhaka', roomOpensMinutesBefore: 30 },
    ...overrides,
  };
}

export function place(overrides: Partial<Place> = {}): Place {
  return {
    date: DATE,
    status: 'waiting',
    position: 40,
    ahead: 39,
    estimatedWaitSeconds: 200,
    seatsLeft: 1200,
    opensAt: OPENS,
    preQueue: false,
    roomActive: true,
    pollAfterSeconds: 2,
    message: 'You are in the queue.',
    ...overrides,
  };
}

export interface Routed {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

/** An Api whose fetch answers by `route` (method + path -> status + body), recording each call. */
export function routedApi(
  route: (call: Routed) => [number, unknown] | [number, unknown, Record<string, string>],
  signedIn = true,
) {
  const calls: Routed[] = [];
  const session = createSessionStore(null);
  if (signedIn) session.set({ token: 'access', refreshToken: 'refresh', expiresAt: Date.now() + 3_600_000, user: null });
  const client = new ApiClient({
    session,
    jitterMs: () => 0,
    fetch: async (input, init) => {
      const call: Routed = {
        method: init?.method ?? 'GET',
        path: String(input),
        headers: (init?.headers ?? {}) as Record<string, string>,
        body: init?.body ? JSON.parse(String(init.body)) : undefined,
      };
      calls.push(call);
      const [status, body, headers = {}] = route(call);
      return new Response(body === undefined ? null : JSON.stringify(body), {
        status,
        headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
      });
    },
  });
  return { api: createApi(client), calls, client };
}

export const problemBody = (status: number, code: string, extra: Record<string, unknown> = {}) => ({
  type: `https://rail.example/problems/${code.toLowerCase()}`,
  title: code,
  status,
  detail: `${code} happened`,
  code,
  requestId: 'req-1',
  ...extra,
});
