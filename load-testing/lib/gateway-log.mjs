// The system's own view of a run: the gateway's access log (JSON lines, `npm start` writes it to
// .run/nginx/logs/access.log) read for the run's time window. On one machine the load generator competes for the
// same cores, so the latency a client measures includes its own queueing; nginx's $request_time is the time from
// the request's first byte read to the last byte of the answer sent, the latency the system itself gave.
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const GATEWAY_ACCESS_LOG = join(fileURLToPath(new URL('../..', import.meta.url)), '.run', 'nginx', 'logs', 'access.log');

/** Route names as the load reports use them, from the request URI. */
export function routeOf(method, uri) {
  const path = uri.split('?')[0];
  if (path === '/api/bookings/seats/select') return 'select';
  if (path === '/api/bookings/seats/confirm') return 'confirm';
  if (/^\/api\/bookings\/[^/]+\/verify-otp$/.test(path)) return 'verify-otp';
  if (path === '/api/payments/initiate') return 'pay-initiate';
  if (path === '/api/payments/verify') return 'pay-verify';
  if (path === '/api/trains/search') return 'search';
  if (/^\/api\/trains\/trips\/[^/]+\/seats$/.test(path)) return 'seat-map';
  if (method === 'GET' && /^\/api\/bookings\/[0-9a-f-]{36}$/.test(path)) return 'view-booking';
  if (method === 'DELETE' && /^\/api\/bookings\/[0-9a-f-]{36}$/.test(path)) return 'cancel';
  if (path === '/api/bookings/waitlist') return method === 'POST' ? 'waitlist-join' : 'waitlist-poll';
  if (path.startsWith('/api/bookings/waitlist/')) return 'waitlist-leave';
  if (/^\/api\/queue\/sales\/[^/]+\/join$/.test(path)) return 'queue-join';
  if (/^\/api\/queue\/sales\/[^/]+\/me$/.test(path)) return method === 'DELETE' ? 'queue-leave' : 'queue-me';
  if (path.startsWith('/api/queue/admin/')) return 'queue-admin';
  if (path.startsWith('/api/queue/')) return 'queue-sale';
  return 'other';
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/**
 * Per route: count, statuses and the gateway's p50/p95/p99 (ms) for requests logged between `fromMs` and `toMs`
 * (epoch ms; the log's time has second resolution, so the window is widened by a second each side).
 * Null when there is no log (not a native run).
 */
export async function gatewayLatency(fromMs, toMs, file = GATEWAY_ACCESS_LOG) {
  if (!existsSync(file)) return null;
  const from = new Date(fromMs - 1000).toISOString().slice(0, 19);
  const to = new Date(toMs + 1000).toISOString().slice(0, 19);
  const routes = new Map();
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    // nginx's $time_iso8601 carries the local offset; the machines here run in UTC, others are compared by instant.
    const time = new Date(entry.time).toISOString().slice(0, 19);
    if (time < from || time > to) continue;
    const route = routeOf(entry.method, entry.uri ?? '');
    const r = routes.get(route) ?? { durations: [], statuses: {} };
    r.durations.push(Number(entry.durationMs) * 1000);
    r.statuses[entry.status] = (r.statuses[entry.status] ?? 0) + 1;
    routes.set(route, r);
  }
  const out = {};
  for (const [route, r] of routes) {
    r.durations.sort((a, b) => a - b);
    const at = (p) => Math.round(percentile(r.durations, p) * 10) / 10;
    out[route] = { count: r.durations.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), statuses: r.statuses };
  }
  return out;
}

/** A markdown table of gatewayLatency's answer. */
export function gatewayTable(latency) {
  if (!latency) return '_(no gateway access log: not a native run)_';
  const rows = ['| request | count | gateway p50 ms | p95 ms | p99 ms | statuses |', '|---|---:|---:|---:|---:|---|'];
  for (const [route, r] of Object.entries(latency).sort((a, b) => b[1].count - a[1].count)) {
    const statuses = Object.entries(r.statuses)
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
    rows.push(`| ${route} | ${r.count} | ${r.p50} | ${r.p95} | ${r.p99} | ${statuses} |`);
  }
  return rows.join('\n');
}
