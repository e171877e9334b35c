/**
 * What a client must not be able to do to the gateway: steer its health logic (an application's 503 to a bad
 * request must never mark a replica down), reach an internal route, get an HTML error page for a malformed
 * request, or pile requests on a busy service until they end in a slow 502/504 (backpressure: a fast JSON 429).
 * Real nginx from the one template, in front of stand-in upstreams; malformed requests go over raw sockets.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayHandle } from './support/gateway.js';
import { clientAddress, send, type Received } from './support/http.js';
import { startStandIn, type StandIn } from './support/stand-in.js';

let gateway: GatewayHandle;
let auth: StandIn, train: StandIn, payment: StandIn, notification: StandIn, queue: StandIn;
let booking: StandIn[];
const all = () => [auth, train, payment, notification, queue, ...booking];
const seenTotal = () => all().reduce((n, s) => n + s.seen.length, 0);

/** Requests in flight per service instance at the gateway in these tests (payment: 2, booking: 3 x 2 = 6). */
const CONCURRENCY = 2;

beforeAll(async () => {
  [auth, train, payment, notification, queue] = await Promise.all([
    startStandIn('auth'),
    startStandIn('train'),
    startStandIn('payment'),
    startStandIn('notification'),
    startStandIn('queue'),
  ]);
  booking = await Promise.all([1, 2, 3].map(() => startStandIn('booking')));
  gateway = await startGateway({
    upstreams: {
      auth: [auth.address],
      train: [train.address],
      booking: booking.map((b) => b.address),
      payment: [payment.address],
      notification: [notification.address],
      queue: [queue.address],
    },
    settings: {
      trustedProxies: ['127.0.0.1'],
      // Rate limits out of the way: these tests are about health, routing, parsing and concurrency.
      apiAddrRate: '10000r/s',
      apiAddrBurst: 10000,
      apiUserRate: '10000r/s',
      apiUserBurst: 10000,
      maxFails: 3,
      failTimeout: '10s',
      readTimeout: '5s',
      upstreamConcurrency: CONCURRENCY,
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all((booking ? all() : []).map((s) => s?.close()));
});

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends bytes as they are (no client library would send these) and reads the answer: the head, then as much
 * body as its Content-Length says (nginx may keep the socket open for a while after an error: lingering close).
 */
function raw(request: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(gateway.port, '127.0.0.1');
    let text = '';
    const parse = (final: boolean) => {
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) {
        if (final) reject(new Error(`no complete answer: ${JSON.stringify(text.slice(0, 200))}`));
        return;
      }
      const [statusLine = '', ...lines] = text.slice(0, split).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const body = text.slice(split + 4);
      const length = Number(headers['content-length'] ?? NaN);
      if (!final && !(body.length >= length)) return;
      socket.destroy();
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, body });
    };
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      parse(false);
    });
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('end', () => parse(true));
    socket.write(request, 'latin1');
  });
}

function expectProblem(res: { status: number; headers: Record<string, unknown>; body: string }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/problem+json');
  const body = JSON.parse(res.body) as Record<string, unknown>;
  expect(body).toMatchObject({ status, code });
  expect(body.type).toMatch(/^https:\/\/rail\.example\/problems\//);
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  expect(body.requestId).toBe(res.headers['x-request-id']);
}

describe('malformed requests get a JSON problem, never an HTML page', () => {
  const close = 'Host: rail\r\nConnection: close\r\n\r\n';
  it.each([
    ['a NUL byte in the path (%00)', `GET /api/trains/%00 HTTP/1.1\r\n${close}`, 400, 'BAD_REQUEST'],
    ['%00 outside the API', `GET /%00 HTTP/1.1\r\n${close}`, 400, 'BAD_REQUEST'],
    ['a raw space in the path', `GET /api/trains/a b HTTP/1.1\r\n${close}`, 400, 'BAD_REQUEST'],
    ['OPTIONS *', `OPTIONS * HTTP/1.1\r\n${close}`, 400, 'BAD_REQUEST'],
    ['a garbage request line', `HELLO\r\n\r\n`, 400, 'BAD_REQUEST'],
    ['an invalid method', `G@T / HTTP/1.1\r\n${close}`, 400, 'BAD_REQUEST'],
    ['a path above the root', `GET /../../etc/passwd HTTP/1.1\r\n${close}`, 400, 'BAD_REQUEST'],
    ['no Host header', `GET /api/trains/x HTTP/1.1\r\nConnection: close\r\n\r\n`, 400, 'BAD_REQUEST'],
    ['a path longer than the header buffers', `GET /api/trains/${'a'.repeat(20_000)} HTTP/1.1\r\n${close}`, 414, 'URI_TOO_LONG'],
    ['an oversized header', `GET /api/trains/x HTTP/1.1\r\nX-Pad: ${'a'.repeat(20_000)}\r\n${close}`, 431, 'HEADERS_TOO_LARGE'],
    [
      'an oversized cookie',
      `GET /api/trains/x HTTP/1.1\r\nCookie: a=${'b'.repeat(17_000)}\r\n${close}`,
      431,
      'HEADERS_TOO_LARGE',
    ],
    [
      'an announced body over the limit',
      `POST /api/payments/x HTTP/1.1\r\nContent-Length: 100000000\r\n${close}`,
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    ['an unknown HTTP version', `GET / HTTP/3.0\r\n${close}`, 505, 'HTTP_VERSION_NOT_SUPPORTED'],
  ])('%s', async (_name, request, status, code) => {
    const before = seenTotal();
    const res = await raw(request);
    expectProblem(res, status, code);
    expect(res.body).not.toContain('<html');
    expect(seenTotal()).toBe(before);
  });
});

describe('internal routes are not routable through the public gateway', () => {
  it.each([
    ['POST', '/api/notifications/send-otp'],
    ['POST', '/api/notifications/send-confirmation'],
    ['POST', '/api/notifications/send-anything-new'],
    ['POST', '/api/notifications/SEND-OTP'],
    ['POST', '/api/notifications/send%2Dotp'],
    ['POST', '//api/notifications/send-otp'],
    ['POST', '/api/notifications/send-otp/'],
    ['POST', '/api/notifications/inbox/../send-otp'],
    ['POST', '/api/notifications/inbox/..%2Fsend-confirmation'],
    ['GET', '/internal/trips/1/inventory'],
    ['GET', '/INTERNAL/trips/1/inventory'],
    ['POST', '/internal/availability'],
    ['GET', '/api/bookings/internal/bookings/b-1'],
    ['GET', '/api/trains/%69nternal/trips/1/inventory'],
    ['GET', '/api/payments/../../internal/bookings/b-1'],
  ])('%s %s: JSON 404, nothing reaches a service', async (method, url) => {
    const before = seenTotal();
    const res = await raw(
      `${method} ${url} HTTP/1.1\r\nHost: rail\r\nContent-Type: application/json\r\nContent-Length: 2\r\n` +
        `x-internal-token: development-internal-token\r\nConnection: close\r\n\r\n{}`,
    );
    expectProblem(res, 404, 'ROUTE_NOT_FOUND');
    expect(seenTotal()).toBe(before);
  });

  it('still routes the public notification routes', async () => {
    for (const url of ['/api/notifications/ticket-key', '/api/notifications/tickets/b-1', '/api/notifications/inbox?to=x']) {
      const res = await send(`${gateway.url}${url}`, { headers: { 'x-forwarded-for': clientAddress() } });
      expect(res.status, url).toBe(200);
      expect(res.json()).toMatchObject({ service: 'notification' });
    }
  });
});

describe("an application's error answers never take a replica off the gateway", () => {
  it('passes 503s for bad requests through as they are, and every replica keeps serving', async () => {
    const before = booking.map((b) => b.seen.length);
    // Far more than max_fails (3) x 3 replicas, from nine addresses, GET and POST, like the takedown seen in a run.
    const provoked: Received[] = [];
    for (let i = 0; i < 45; i++) {
      const ip = `198.51.100.${(i % 9) + 1}`;
      provoked.push(
        await send(`${gateway.url}/api/bookings/trips/1e99?status=503`, {
          method: i % 3 === 0 ? 'POST' : 'GET',
          ...(i % 3 === 0 ? { body: '{}' } : {}),
          headers: { 'x-forwarded-for': ip },
        }),
      );
    }
    for (const res of provoked) {
      expect(res.status).toBe(503);
      // The service's own problem, not the gateway's: nginx did not intercept, retry or replace it.
      expect(res.json()).toMatchObject({ code: 'STAND_IN_ERROR' });
    }
    // Each provoked request reached exactly one replica: a 503 is not retried on another.
    expect(booking.reduce((n, b, i) => n + b.seen.length - (before[i] ?? 0), 0)).toBe(45);

    const servedBy = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const res = await send(`${gateway.url}/api/bookings/b-${i}`, { headers: { 'x-forwarded-for': clientAddress() } });
      expect(res.status).toBe(200);
      servedBy.add(String(res.headers['x-served-by']));
    }
    expect(servedBy.size).toBe(3);
  });

  it('answers 4xx from a service as they are, and keeps the replicas up', async () => {
    for (let i = 0; i < 20; i++) {
      const res = await send(`${gateway.url}/api/bookings/x?status=400`, { headers: { 'x-forwarded-for': clientAddress() } });
      expect(res.status).toBe(400);
    }
    const res = await send(`${gateway.url}/api/bookings/after-400`, { headers: { 'x-forwarded-for': clientAddress() } });
    expect(res.status).toBe(200);
  });

  it("passes a service's own 502/503/504 through as its JSON (the gateway's own are JSON too: gateway.test.ts)", async () => {
    for (const status of [502, 503, 504]) {
      const res = await send(`${gateway.url}/api/payments/x?status=${status}`, {
        headers: { 'x-forwarded-for': clientAddress() },
      });
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ status, code: 'STAND_IN_ERROR' });
    }
  });
});

describe('backpressure: a busy service gets a fast JSON 429 at the edge, not a slow 502/504', () => {
  async function burst(prefix: string, count: number) {
    const started = Date.now();
    return Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const res = await send(`${gateway.url}${prefix}/slow-${i}?delayMs=1500`, {
          headers: { 'x-forwarded-for': clientAddress() },
        });
        return { res, ms: Date.now() - started };
      }),
    );
  }

  it.each([
    ['payment', '/api/payments', CONCURRENCY * 1 * 4],
    ['queue', '/api/queue', CONCURRENCY * 1 * 4],
    ['booking', '/api/bookings', CONCURRENCY * 3],
  ])(
    '%s: at most its limit in flight (%s: %i); the rest answered at once with 429 + Retry-After',
    async (_name, prefix, limit) => {
      const results = await burst(prefix, limit + 8);
      const ok = results.filter((r) => r.res.status === 200);
      const refused = results.filter((r) => r.res.status === 429);
      expect(ok).toHaveLength(limit);
      expect(refused).toHaveLength(8);
      for (const r of refused) {
        expectProblem({ ...r.res, headers: r.res.headers as Record<string, unknown> }, 429, 'RATE_LIMITED');
        expect(r.res.headers['retry-after']).toBe('1');
        expect(r.ms).toBeLessThan(1000); // long before the slow requests (1.5 s) finish
      }
      for (const r of ok) expect(r.ms).toBeGreaterThanOrEqual(1400);
      // The slots are given back: once the slow ones are done, the service is served again.
      const after = await send(`${gateway.url}${prefix}/after`, { headers: { 'x-forwarded-for': clientAddress() } });
      expect(after.status).toBe(200);
    },
  );

  it('does not count seat-event streams against the service limit', async () => {
    const streams = await Promise.all(
      Array.from({ length: CONCURRENCY * 3 + 2 }, (_, i) =>
        send(`${gateway.url}/api/bookings/trips/${i}/seat-events`, { headers: { 'x-forwarded-for': clientAddress() } }),
      ),
    );
    for (const s of streams) expect(s.status).toBe(200);
  });
});
