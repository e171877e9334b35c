// Minimal keep-alive JSON client for the load generators (node:http, no dependencies), so every
// scenario measures the same way: latency from the moment a request was due, status 0 for a
// transport failure (reset, refused, timeout) with the error code kept for the report.
import http from 'node:http';

export const BASE_URL = process.env.LOAD_BASE_URL ?? 'http://127.0.0.1:8080';

/** Client address of virtual user `i`: 10.a.b.c, unique for up to 16.7M users. */
export function vuAddress(i) {
  const n = i + 1;
  return `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
}

export function createClient({ baseUrl: wanted, maxSockets = 512, timeoutMs = 10_000 } = {}) {
  const url = new URL(wanted ?? BASE_URL);
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });

  /**
   * @param {{method?: string, path: string, body?: unknown, token?: string, xff?: string,
   *   headers?: Record<string,string>, dueAt?: number, parse?: boolean}} req
   * @returns {Promise<{status: number, body: any, ms: number, headers: import('node:http').IncomingHttpHeaders, error?: string}>}
   */
  function request(req) {
    const dueAt = req.dueAt ?? performance.now();
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body));
    const headers = { accept: 'application/json', ...req.headers };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (req.token) headers.authorization = `Bearer ${req.token}`;
    if (req.xff) headers['x-forwarded-for'] = req.xff;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (status, body, resHeaders, error) => {
        if (settled) return;
        settled = true;
        resolve({ status, body, ms: performance.now() - dueAt, headers: resHeaders ?? {}, error });
      };
      const r = http.request(
        { host: url.hostname, port: url.port || 80, method: req.method ?? 'GET', path: req.path, headers, agent },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            let body = null;
            if (req.parse !== false && chunks.length > 0) {
              const text = Buffer.concat(chunks).toString('utf8');
              try {
                body = JSON.parse(text);
              } catch {
                body = text;
              }
            }
            finish(res.statusCode ?? 0, body, res.headers);
          });
          res.on('error', (e) => finish(0, null, res.headers, e.code ?? e.message));
        },
      );
      r.setTimeout(timeoutMs, () => r.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      r.on('error', (e) => finish(0, null, undefined, e.code ?? e.message));
      if (payload) r.end(payload);
      else r.end();
    });
  }

  return { request, close: () => agent.destroy(), agent };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Seconds to wait from a 429/503 Retry-After header (default 1 s, capped). */
export function retryAfterMs(headers, fallbackMs = 1000, capMs = 10_000) {
  const v = Number(headers['retry-after']);
  return Number.isFinite(v) && v >= 0 ? Math.min(v * 1000, capMs) : fallbackMs;
}
