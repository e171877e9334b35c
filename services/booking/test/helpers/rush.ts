/**
 * Helpers for rush tests: many tokens at once, a select through the API, status counts, and
 * deterministic pseudo-random selects (so a failure can be replayed).
 */
import type { LightMyRequestResponse } from 'fastify';
import type { Harness } from './harness.js';

export function statuses(responses: LightMyRequestResponse[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of responses) out[r.statusCode] = (out[r.statusCode] ?? 0) + 1;
  return out;
}

export async function tokens(h: Harness, prefix: string, n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => h.token(`${prefix}-${i}`)));
}

export function select(h: Harness, token: string, body: Record<string, unknown>): Promise<LightMyRequestResponse> {
  return h.app.inject({
    method: 'POST',
    url: '/api/bookings/seats/select',
    headers: { authorization: `Bearer ${token}` },
    payload: body,
  });
}

/** Deterministic pseudo-random numbers so a failure can be replayed. */
export function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

export function randomSelect(r: () => number, tripId: number, seatIds: number[], stops: string[]): Record<string, unknown> {
  const count = 1 + Math.floor(r() * 4);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(seatIds[Math.floor(r() * seatIds.length)]!);
  const from = Math.floor(r() * (stops.length - 1));
  const to = from + 1 + Math.floor(r() * (stops.length - 1 - from));
  return { tripId, seatIds: [...chosen], from: stops[from], to: stops[to] };
}
