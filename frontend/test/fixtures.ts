// Small seat maps and a fake fetch for component and client tests.
import type { Coach, SeatMap } from '../src/api/types.js';

export function coach(code: string, coachId: number, rows = 3, cols = 4, status: Record<number, 'held' | 'booked'> = {}): Coach {
  const seats: Coach['seats'] = [];
  for (let r = 1; r <= rows; r++)
    for (let c = 1; c <= cols; c++) {
      const n = (r - 1) * cols + c;
      const seatId = coachId * 100 + n;
      seats.push({
        seatId,
        label: String(n),
        row: r,
        column: c,
        position: c === 1 || c === cols ? 'window' : 'aisle',
        status: status[seatId] ?? 'available',
      });
    }
  return { coachId, code, class: 'S_CHAIR', fare: 405, seats };
}

export function seatMap(overrides: Partial<SeatMap> = {}): SeatMap {
  return {
    tripId: 7,
    from: 'DHK',
    to: 'CTG',
    coaches: [coach('KA', 1, 3, 4, { 102: 'held', 103: 'booked' }), coach('KHA', 2)],
    ...overrides,
  };
}

export interface Call {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** A fetch that answers from a queue of responders and records every call. */
export function fakeFetch(responders: ((call: Call) => Response)[]) {
  const calls: Call[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const call: Call = {
      method: init?.method ?? 'GET',
      url: String(input),
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    };
    calls.push(call);
    const next = responders.shift();
    if (!next) throw new Error(`unexpected request ${call.method} ${call.url}`);
    return next(call);
  };
  return { fetch: fn as typeof fetch, calls };
}

export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
    });

export const problem = (
  status: number,
  code: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) =>
  json(
    status,
    {
      type: `https://rail.example/problems/${code.toLowerCase()}`,
      title: code,
      status,
      detail: `${code} happened`,
      code,
      requestId: 'req-1',
      ...extra,
    },
    headers,
  );
