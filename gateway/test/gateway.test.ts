/**
 * The gateway's behaviour through the real nginx on loopback, rendered from the one template, in front
 * of stand-in upstreams (real HTTP servers built with createApp that report what reached them): routing,
 * /internal blocked, request ids, rate limits with JSON 429s, trusted-proxy handling of X-Forwarded-For,
 * balancing and retries over booking replicas, JSON 502/504/413, the micro-cache, SSE and the SPA.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayHandle } from './support/gateway.js';
import { clientAddress, send } from './support/http.js';
import { startStandIn, type StandIn } from './support/stand-in.js';

let gateway: GatewayHandle;
let auth: StandIn, train: StandIn, payment: StandIn, notification: StandIn, queue: StandIn;
let booking: StandIn[];
let www: string;

function expectProblem(res: Awaited<ReturnType<typeof send>>, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toBe('application/problem+json');
  const body = res.json<{ status: number; code: string; requestId: string; title: string; type: string; detail: string }>();
  expect(body).toMatchObject({ status, code });
  expect(body.type).toMatch(/^https:\/\/rail\.example\/problems\//);
  expect(body.detail.length).toBeGreaterThan(0);
  expect(body.requestId).toBe(res.headers['x-request-id']);
  return body;
}

beforeAll(async () => {
  [auth, train, payment, notification, queue] = await Promise.all([
    startStandIn('auth'),
    startStandIn('train'),
    startStandIn('payment'),
    startStandIn('notification'),
    startStandIn('queue'),
  ]);
  booking = await Promise.all([1, 2, 3].map(() => startStandIn('booking')));
  www = mkdtempSync(path.join(tmpdir(), 'rail-www-'));
  chmodSync(www, 0o755); // nginx workers run as nobody when the tests run as root
  mkdirSync(path.join(www, 'assets'));
  writeFileSync(path.join(www, 'index.html'), '<!doctype html><title>Rail</title><div id="root"></div>');
  writeFileSync(path.join(www, 'assets', 'app-1a2b3c.js'), 'console.log("rail");'.repeat(100));
  // What the build writes beside each asset; its own text here, to tell which of the two nginx sent.
  writeFileSync(path.join(www, 'assets', 'app-1a2b3c.js.gz'), gzipSync('console.log("precompressed");'));
  gateway = await startGateway({
    frontendRoot: www,
    upstreams: {
      auth: [auth.address],
      train: [train.address],
      booking: booking.map((b) => b.address),
      payment: [payment.address],
      notification: [notification.address],
      queue: [queue.address],
    },
    settings: {
      // Only 127.0.0.1 is a trusted proxy here, so 127.0.0.2 plays an untrusted client.
      trustedProxies: ['127.0.0.1'],
      strictRate: '1r/m',
      strictBurst: 2,
      selectAddrRate: '120r/m',
      selectAddrBurst: 50,
      selectUserRate: '1r/m',
      selectUserBurst: 3,
      apiAddrRate: '10r/s',
      apiAddrBurst: 20,
      apiUserRate: '10r/s',
      apiUserBurst: 20,
      readTimeout: '1s',
      clientMaxBodySize: '16k',
      failTimeout: '10s',
      maxFails: 3,
    },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([auth, train, payment, notification, queue, ...(booking ?? [])].map((s) => s?.close()));
  if (www) rmSync(www, { recursive: true, force: true });
});

describe('routing', () => {
  it.each([
    ['/api/auth/me', 'auth'],
    ['/api/trains/stations', 'train'],
    ['/api/bookings', 'booking'],
    ['/api/bookings/42', 'booking'],
    ['/api/payments/p-1', 'payment'],
    ['/api/notifications/inbox?to=x', 'notification'],
    ['/api/queue/sales/2026-12-10/me', 'queue'],
  ])('sends %s to the %s service with the path unchanged', async (url, service) => {
    const res = await send(`${gateway.url}${url}`, { headers: { 'x-forwarded-for': clientAddress() } });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ service, path: url.split('?')[0] });
  });

  it.each([
    '/internal/trips/1/inventory',
    '/api/bookings/internal/holds',
    '/api/trains/internal',
    '/internal/rooms/active',
    '/api/queue/internal/rooms/active',
  ])('never routes %s to a service (JSON 404)', async (url) => {
    const before = [auth, train, payment, notification, queue, ...booking].reduce((n, s) => n + s.seen.length, 0);
    const res = await send(`${gateway.url}${url}`, { headers: { 'x-forwarded-for': clientAddress() } });
    expectProblem(res, 404, 'ROUTE_NOT_FOUND');
    const after = [auth, train, payment, notification, queue, ...booking].reduce((n, s) => n + s.seen.length, 0);
    expect(after).toBe(before);
  });

  it('answers an /api path no service owns with a JSON 404, not the app', async () => {
    expectProblem(await send(`${gateway.url}/api/nothing/here`), 404, 'ROUTE_NOT_FOUND');
  });

  it('serves the app with an SPA fallback, long-cached assets and a 404 for a missing asset', async () => {
    const deep = await send(`${gateway.url}/trips/42/seats`);
    expect(deep.status).toBe(200);
    expect(deep.body).toContain('<div id="root">');
    expect(deep.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    const asset = await send(`${gateway.url}/assets/app-1a2b3c.js`);
    expect(asset.status).toBe(200);
    expect(asset.body).toContain('console.log("rail")');
    expect(asset.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect((await send(`${gateway.url}/assets/missing.js`)).status).toBe(404);
  });

  it('lets browsers keep hashed assets for a year without asking again, and index.html never', async () => {
    const asset = await send(`${gateway.url}/assets/app-1a2b3c.js`);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const page of ['/', '/index.html', '/trips/42/seats']) {
      const res = await send(`${gateway.url}${page}`);
      expect(res.status, page).toBe(200);
      expect(res.headers['cache-control'], page).toBe('no-cache');
    }
    // Only the app's own files: an API answer keeps what its service says.
    const api = await send(`${gateway.url}/api/trains/trips/7`, { headers: { 'x-forwarded-for': clientAddress() } });
    expect(api.headers['cache-control'] ?? '').not.toContain('immutable');
  });

  it("sends an asset's precompressed .gz as it is to a client that takes gzip", async () => {
    const res = await new Promise<http.IncomingMessage & { raw: Buffer }>((resolve, reject) => {
      http
        .get(`${gateway.url}/assets/app-1a2b3c.js`, { headers: { 'accept-encoding': 'gzip' } }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve(Object.assign(r, { raw: Buffer.concat(chunks) })));
        })
        .on('error', reject);
    });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(res.raw).toString()).toBe('console.log("precompressed");');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers.vary).toContain('Accept-Encoding');
  });
});

describe('request ids', () => {
  it('generates one, sends it upstream, returns it and logs it', async () => {
    const res = await send(`${gateway.url}/api/trains/trips/7`, { headers: { 'x-forwarded-for': clientAddress() } });
    const id = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(res.json().requestId).toBe(id);
    await new Promise((r) => setTimeout(r, 50));
    const line = gateway.accessLog().find((l) => l.requestId === id);
    expect(line).toMatchObject({ status: 200, method: 'GET', uri: '/api/trains/trips/7', service: 'gateway' });
  });

  it('keeps a well-formed incoming X-Request-Id and replaces a malformed one', async () => {
    const kept = await send(`${gateway.url}/api/trains/trips/7`, {
      headers: { 'x-request-id': 'client-abc.123', 'x-forwarded-for': clientAddress() },
    });
    expect(kept.headers['x-request-id']).toBe('client-abc.123');
    expect(kept.json().requestId).toBe('client-abc.123');
    const replaced = await send(`${gateway.url}/api/trains/trips/7`, {
      headers: { 'x-request-id': 'bad id with spaces"}', 'x-forwarded-for': clientAddress() },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(replaced.json().requestId).toBe(replaced.headers['x-request-id']);
  });

  it('returns exactly one X-Request-Id header even though the service sets one too', async () => {
    const res = await send(`${gateway.url}/api/auth/me`);
    expect(typeof res.headers['x-request-id']).toBe('string');
    expect(res.headers['x-request-id']).not.toContain(',');
  });
});

describe('rate limits', () => {
  it('limits login per client address: JSON 429 with Retry-After, other clients unaffected', async () => {
    const client = clientAddress();
    const login = (ip: string) =>
      send(`${gateway.url}/api/auth/login`, { method: 'POST', body: '{}', headers: { 'x-forwarded-for': ip } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await login(client)).status);
    expect(statuses).toEqual([200, 200, 200]); // rate 1r/m + burst 2
    const limited = await login(client);
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(limited.headers['retry-after']).toBe('60');
    expect((await login(clientAddress())).status).toBe(200);
  });

  it('limits seat select per user token across addresses, with its own burst', async () => {
    const token = `Bearer tok-${Date.now()}-aaaaaaaaaaaaaaaa`;
    const select = (auth: string) =>
      send(`${gateway.url}/api/bookings/seats/select`, {
        method: 'POST',
        body: '{}',
        headers: { authorization: auth, 'x-forwarded-for': clientAddress() },
      });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await select(token)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]); // 1r/m + burst 3, whatever address it comes from
    const limited = await select(token);
    expect(limited.headers['retry-after']).toBe('60');
    expect((await select(`Bearer other-${Date.now()}-bbbbbbbbbbbbbbb`)).status).toBe(200);
  });

  it('limits the general API per address', async () => {
    const client = clientAddress();
    const results = await Promise.all(
      Array.from({ length: 40 }, () => send(`${gateway.url}/api/trains/trips/1`, { headers: { 'x-forwarded-for': client } })),
    );
    const limited = results.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(20);
    expect(limited[0]?.headers['retry-after']).toBe('1');
  });

  it('believes X-Forwarded-For from the trusted proxy (a load generator can act as many clients)', async () => {
    const client = clientAddress();
    const res = await send(`${gateway.url}/api/payments/x`, { headers: { 'x-forwarded-for': `10.9.9.9, ${client}` } });
    // The rightmost untrusted hop is the client; the service gets only that address.
    expect(res.json()).toMatchObject({ forwardedFor: client, ip: client });
  });

  it('ignores a forged X-Forwarded-For from an untrusted address: the limit still applies to the sender', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await send(`${gateway.url}/api/auth/otp/request`, {
        method: 'POST',
        body: '{}',
        localAddress: '127.0.0.2',
        headers: { 'x-forwarded-for': clientAddress() },
      });
      statuses.push(res.status);
      if (res.status === 200) expect(res.json()).toMatchObject({ forwardedFor: '127.0.0.2' });
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});

describe('booking replicas', () => {
  it('spreads requests over every replica', async () => {
    const servedBy = new Set<string>();
    for (let i = 0; i < 12; i++) {
      const res = await send(`${gateway.url}/api/bookings/b-${i}`, { headers: { 'x-forwarded-for': clientAddress() } });
      expect(res.status).toBe(200);
      servedBy.add(String(res.headers['x-served-by']));
    }
    const ports = [...servedBy].map((s) => Number(/^booking@.+:(\d+)$/.exec(s)?.[1]));
    expect(ports.sort()).toEqual(booking.map((b) => b.port).sort());
  });

  it('never retries a POST on another replica, but retries a GET', async () => {
    const [bad] = booking;
    if (!bad) throw new Error('no replica');
    bad.faulty = true;
    try {
      const postsBefore = booking.map((b) => b.seen.filter((s) => s.method === 'POST').length);
      const results = [];
      for (let i = 0; i < 6; i++) {
        results.push(
          await send(`${gateway.url}/api/bookings/seats/confirm`, {
            method: 'POST',
            body: '{}',
            headers: { 'x-forwarded-for': clientAddress() },
          }),
        );
      }
      const posts = booking.map((b, i) => b.seen.filter((s) => s.method === 'POST').length - (postsBefore[i] ?? 0));
      // Every POST reached exactly one replica; those the dying replica took failed with a JSON 502.
      expect(posts.reduce((a, b) => a + b, 0)).toBe(6);
      const failed = results.filter((r) => r.status === 502);
      expect(failed.length).toBe(posts[0]);
      expect(failed.length).toBeGreaterThan(0);
      for (const r of failed) expectProblem(r, 502, 'UPSTREAM_UNAVAILABLE');

      // Below max_fails the dying replica still gets its turn; a GET it drops is retried on another one.
      const getsBefore = bad.seen.length;
      for (let i = 0; i < 6; i++) {
        const res = await send(`${gateway.url}/api/bookings/g-${i}`, { headers: { 'x-forwarded-for': clientAddress() } });
        expect(res.status).toBe(200);
        expect(res.headers['x-served-by']).not.toContain(`:${bad.port}`);
      }
      expect(bad.seen.length).toBeGreaterThan(getsBefore); // it was tried, failed, and the GET went elsewhere
    } finally {
      bad.faulty = false;
    }
  });
});

describe('upstream failures and limits', () => {
  it('answers a slow service with a JSON 504', async () => {
    const res = await send(`${gateway.url}/api/trains/trips/9?delayMs=1500`, { headers: { 'x-forwarded-for': clientAddress() } });
    expectProblem(res, 504, 'UPSTREAM_TIMEOUT');
  });

  it('refuses an oversized body with a JSON 413 before it reaches the service', async () => {
    const before = payment.seen.length;
    const res = await send(`${gateway.url}/api/payments/initiate`, {
      method: 'POST',
      body: JSON.stringify({ pad: 'x'.repeat(20_000) }),
      headers: { 'x-forwarded-for': clientAddress() },
    });
    expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    expect(payment.seen.length).toBe(before);
  });

  it('compresses JSON responses and adds security headers', async () => {
    const res = await new Promise<http.IncomingMessage & { raw: Buffer }>((resolve, reject) => {
      http
        .get(
          `${gateway.url}/api/trains/trips/1?big=1`,
          { headers: { 'accept-encoding': 'gzip', 'x-forwarded-for': clientAddress() } },
          (r) => {
            const chunks: Buffer[] = [];
            r.on('data', (c: Buffer) => chunks.push(c));
            r.on('end', () => resolve(Object.assign(r, { raw: Buffer.concat(chunks) })));
          },
        )
        .on('error', reject);
    });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(res.raw).toString()).service).toBe('train');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
  });
});

describe('micro-cache', () => {
  it('answers identical searches within the TTL from one upstream call, even when they arrive together', async () => {
    const url = `/api/trains/search?from=DHK&to=CTG&date=2030-01-0${Date.now() % 9}&delayMs=300`;
    const before = train.seen.filter((s) => s.url === url).length;
    const results = await Promise.all(
      Array.from({ length: 10 }, () => send(`${gateway.url}${url}`, { headers: { 'x-forwarded-for': clientAddress() } })),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(train.seen.filter((s) => s.url === url).length - before).toBe(1);
    const again = await send(`${gateway.url}${url}`, { headers: { 'x-forwarded-for': clientAddress() } });
    expect(again.headers['x-cache-status']).toBe('HIT');
  });

  it('collapses a burst of identical seat-map requests into one upstream call, and refreshes after the TTL', async () => {
    const url = `/api/trains/trips/5/seats?from=A&to=B&n=${Date.now()}&delayMs=200`;
    const burst = await Promise.all(
      Array.from({ length: 10 }, () => send(`${gateway.url}${url}`, { headers: { 'x-forwarded-for': clientAddress() } })),
    );
    expect(burst.every((r) => r.status === 200)).toBe(true);
    expect(train.seen.filter((s) => s.url === url).length).toBe(1);
    // nginx keeps cache validity in whole seconds, so a 1 s entry lives until up to 2 s after it was stored.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    // Past the TTL the next request refreshes the entry (in the background: it may be answered from the old copy).
    await send(`${gateway.url}${url}`, { headers: { 'x-forwarded-for': clientAddress() } });
    const deadline = Date.now() + 5_000;
    while (train.seen.filter((s) => s.url === url).length < 2 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(train.seen.filter((s) => s.url === url).length).toBe(2);
  });

  it("keeps each segment of a trip's seat map apart in the cache", async () => {
    const stamp = Date.now();
    await send(`${gateway.url}/api/trains/trips/5/seats?from=A&to=B&n=${stamp}`, {
      headers: { 'x-forwarded-for': clientAddress() },
    });
    await send(`${gateway.url}/api/trains/trips/5/seats?from=B&to=C&n=${stamp}`, {
      headers: { 'x-forwarded-for': clientAddress() },
    });
    expect(train.seen.filter((s) => s.url.endsWith(`n=${stamp}`)).length).toBe(2);
  });
});

describe('server-sent events', () => {
  it('streams seat events unbuffered and uncompressed', async () => {
    const started = Date.now();
    const first = await new Promise<{ chunk: string; at: number; encoding: string | undefined; type: string | undefined }>(
      (resolve, reject) => {
        http
          .get(
            `${gateway.url}/api/bookings/trips/77/seat-events`,
            { headers: { 'accept-encoding': 'gzip', 'x-forwarded-for': clientAddress() } },
            (res) => {
              res.once('data', (c: Buffer) => {
                resolve({
                  chunk: c.toString(),
                  at: Date.now(),
                  encoding: res.headers['content-encoding'],
                  type: res.headers['content-type'],
                });
                res.destroy();
              });
            },
          )
          .on('error', reject);
      },
    );
    expect(first.chunk).toContain('event: hello');
    expect(first.chunk).toContain('"tripId":"77"');
    expect(first.at - started).toBeLessThan(1000); // the stream itself only ends after 1.5 s
    expect(first.encoding).toBeUndefined();
    expect(first.type).toBe('text/event-stream');
  });
});

describe('a service that is down', () => {
  it('answers with a JSON 502 and Retry-After', async () => {
    await notification.close();
    const res = await send(`${gateway.url}/api/notifications/inbox?to=x`, { headers: { 'x-forwarded-for': clientAddress() } });
    const body = expectProblem(res, 502, 'UPSTREAM_UNAVAILABLE');
    expect(body.title).toBe('Bad Gateway');
    expect(res.headers['retry-after']).toBe('1');
  });
});
