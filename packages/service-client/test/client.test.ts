/** The service client against a real local HTTP server: timeouts, retries, the breaker, schema checks, headers. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Type } from '@sinclair/typebox';
import { ServiceUnavailableError } from '@rail/errors';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createServiceClient,
  runWithRequestContext,
  UpstreamContractError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
  type ServiceClientOptions,
} from '../src/index.js';

interface Reply {
  status: number;
  body?: unknown;
  delayMs?: number;
}

/** What the stub answers next (one reply per request, the last one repeats) and what it was asked. */
const stub = {
  replies: [] as Reply[],
  requests: [] as { method: string; url: string; headers: IncomingHttpHeaders; body: string }[],
};

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      stub.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      const reply = (stub.replies.length > 1 ? stub.replies.shift() : stub.replies[0]) ?? { status: 200, body: {} };
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
      }, reply.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  stub.replies = [{ status: 200, body: { id: 1, name: 'one' } }];
  stub.requests = [];
});

const Thing = Type.Object({ id: Type.Integer(), name: Type.String() });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const client = (overrides: Partial<ServiceClientOptions> = {}) =>
  createServiceClient({
    service: 'stock',
    baseUrl,
    timeoutMs: 300,
    retry: { maxRetries: 2, initialDelayMs: 10, maxDelayMs: 20 },
    ...overrides,
  });

describe('createServiceClient', () => {
  it('GETs a path, checks the answer against its schema and returns it; 404 is null', async () => {
    const c = client({ baseUrl: `${baseUrl}/` });
    expect(await c.get('/things/1', Thing)).toEqual({ id: 1, name: 'one' });
    expect(stub.requests[0]).toMatchObject({ method: 'GET', url: '/things/1' });
    expect(stub.requests[0]!.headers.accept).toBe('application/json');
    stub.replies = [{ status: 404, body: { code: 'NOT_FOUND' } }];
    expect(await c.get('/things/2', Thing)).toBeNull();
  });

  it('POSTs a JSON body', async () => {
    expect(await client().post('/things', { name: 'one' }, Thing)).toEqual({ id: 1, name: 'one' });
    expect(stub.requests[0]).toMatchObject({ method: 'POST', body: '{"name":"one"}' });
    expect(stub.requests[0]!.headers['content-type']).toBe('application/json');
  });

  it('gives up after the timeout with a 503 carrying Retry-After, without retrying a timeout', async () => {
    stub.replies = [{ status: 200, body: { id: 1, name: 'late' }, delayMs: 1_000 }];
    const started = Date.now();
    const err = await client({ timeoutMs: 150 })
      .get('/slow', Thing)
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(700);
    expect(err).toBeInstanceOf(UpstreamUnavailableError);
    expect(err).toBeInstanceOf(ServiceUnavailableError);
    expect(err).toMatchObject({ status: 503, code: 'STOCK_SERVICE_UNAVAILABLE', reason: 'timeout', retryAfter: 2 });
    expect(stub.requests).toHaveLength(1);
  });

  it('retries a GET answered 503, with backoff, and returns the answer that finally comes', async () => {
    stub.replies = [{ status: 503 }, { status: 503 }, { status: 200, body: { id: 3, name: 'third time' } }];
    expect(await client().get('/flaky', Thing)).toEqual({ id: 3, name: 'third time' });
    expect(stub.requests).toHaveLength(3);
  });

  it('stops retrying after maxRetries and answers 503 with the upstream status', async () => {
    stub.replies = [{ status: 503 }];
    await expect(client().get('/down', Thing)).rejects.toMatchObject({ status: 503, reason: 'status', upstreamStatus: 503 });
    expect(stub.requests).toHaveLength(3);
  });

  it('does not retry a 500: a bug upstream is not cured by asking again', async () => {
    stub.replies = [{ status: 500 }];
    await expect(client().get('/bug', Thing)).rejects.toMatchObject({ status: 503, upstreamStatus: 500 });
    expect(stub.requests).toHaveLength(1);
  });

  it('never retries a POST, unless the caller says it is idempotent', async () => {
    stub.replies = [{ status: 503 }];
    await expect(client().post('/things', { n: 1 }, Thing)).rejects.toMatchObject({ status: 503 });
    expect(stub.requests).toHaveLength(1);

    stub.requests = [];
    stub.replies = [{ status: 503 }, { status: 200, body: { id: 2, name: 'read' } }];
    expect(await client().post('/search', { n: 1 }, Thing, { idempotent: true })).toEqual({ id: 2, name: 'read' });
    expect(stub.requests).toHaveLength(2);
  });

  it('retries a refused connection, then answers 503 unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(client({ baseUrl: `http://127.0.0.1:${port}` }).get('/x', Thing)).rejects.toMatchObject({
      status: 503,
      reason: 'unreachable',
      code: 'STOCK_SERVICE_UNAVAILABLE',
    });
  });

  it('refuses an answer that does not match the schema (not retried), as a 503 of its own code', async () => {
    stub.replies = [{ status: 200, body: { id: '1', name: 'one' } }];
    const err = await client()
      .get('/things/1', Thing)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamContractError);
    expect(err).toMatchObject({ status: 503, code: 'STOCK_SERVICE_INVALID', reason: 'invalid', retryAfter: 2 });
    expect((err as UpstreamContractError).contractDetail).toContain('/id');
    expect(stub.requests).toHaveLength(1);
  });

  it('refuses an answer that is not JSON', async () => {
    const raw = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'));
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    try {
      const c = client({ baseUrl: `http://127.0.0.1:${(raw.address() as AddressInfo).port}` });
      await expect(c.get('/x', Thing)).rejects.toBeInstanceOf(UpstreamContractError);
    } finally {
      raw.closeAllConnections();
      await new Promise<void>((resolve) => raw.close(() => resolve()));
    }
  });

  it('maps a 4xx refusal to a 502 that keeps the upstream code, without tripping the breaker', async () => {
    stub.replies = [{ status: 409, body: { code: 'SEAT_TAKEN' } }];
    const c = client({ breaker: { consecutiveFailures: 1, halfOpenAfterMs: 60_000 } });
    const err = await c.post('/things', {}, Thing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamRejectedError);
    expect(err).toMatchObject({ status: 502, code: 'STOCK_SERVICE_REJECTED', upstreamStatus: 409, upstreamCode: 'SEAT_TAKEN' });
    expect(c.circuit).toBe('closed');
  });

  it('opens the breaker after consecutive failures, answers at once while open, then half-opens and closes on success', async () => {
    stub.replies = [{ status: 500 }];
    const c = client({ retry: false, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 1_500 } });
    await expect(c.get('/a', Thing)).rejects.toMatchObject({ reason: 'status' });
    expect(c.circuit).toBe('closed');
    await expect(c.get('/a', Thing)).rejects.toMatchObject({ reason: 'status' });
    expect(c.circuit).toBe('open');

    const open = await c.get('/a', Thing).catch((e: unknown) => e);
    expect(open).toMatchObject({ status: 503, code: 'STOCK_SERVICE_UNAVAILABLE', reason: 'circuit-open', retryAfter: 2 });
    expect(stub.requests).toHaveLength(2);

    await sleep(1_600);
    stub.replies = [{ status: 200, body: { id: 9, name: 'back' } }];
    expect(await c.get('/a', Thing)).toEqual({ id: 9, name: 'back' });
    expect(c.circuit).toBe('closed');
    expect(stub.requests).toHaveLength(3);
  });

  it('re-opens when the half-open trial call fails', async () => {
    stub.replies = [{ status: 503 }];
    const c = client({ retry: false, breaker: { consecutiveFailures: 1, halfOpenAfterMs: 100 } });
    await expect(c.get('/a', Thing)).rejects.toMatchObject({ reason: 'status' });
    await sleep(150);
    expect(c.circuit).toBe('half-open');
    await expect(c.get('/a', Thing)).rejects.toMatchObject({ reason: 'status' });
    expect(c.circuit).toBe('open');
    await expect(c.get('/a', Thing)).rejects.toMatchObject({ reason: 'circuit-open' });
    expect(stub.requests).toHaveLength(2);
  });

  it('counts timeouts and off-contract answers as failures for the breaker', async () => {
    const c = client({ retry: false, timeoutMs: 100, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } });
    stub.replies = [{ status: 200, body: {}, delayMs: 300 }];
    await expect(c.get('/a', Thing)).rejects.toMatchObject({ reason: 'timeout' });
    stub.replies = [{ status: 200, body: { id: 'x' } }];
    await expect(c.get('/a', Thing)).rejects.toMatchObject({ reason: 'invalid' });
    expect(c.circuit).toBe('open');
  });

  it('forwards the request id and trace context, from the call or from the current request context', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const c = client();
    await c.get('/a', Thing, { context: { requestId: 'req-1', traceparent } });
    await runWithRequestContext({ requestId: 'req-2' }, async () => {
      await sleep(1);
      await c.post('/b', {}, Thing);
    });
    await c.get('/c', Thing, { context: { requestId: 'bad id\r\nx: y', traceparent: 'nonsense' } });
    await c.get('/d', Thing);
    const seen = stub.requests.map((r) => [r.headers['x-request-id'], r.headers.traceparent]);
    expect(seen).toEqual([
      ['req-1', traceparent],
      ['req-2', undefined],
      [undefined, undefined],
      [undefined, undefined],
    ]);
  });

  it('with a bulkhead, refuses calls beyond its limit at once as busy', async () => {
    stub.replies = [{ status: 200, body: { id: 1, name: 'slow' }, delayMs: 100 }];
    const c = client({ bulkhead: { maxConcurrent: 1 } });
    const results = await Promise.allSettled([c.get('/a', Thing), c.get('/a', Thing)]);
    expect(results[0]).toMatchObject({ status: 'fulfilled' });
    expect(results[1]).toMatchObject({ status: 'rejected', reason: { status: 503, reason: 'busy' } });
    expect(stub.requests).toHaveLength(1);
  });

  it('uses the codes and Retry-After the caller configures', async () => {
    stub.replies = [{ status: 500 }];
    const c = client({ codes: { unavailable: 'TRAIN_CATALOGUE_DOWN' }, retryAfterSeconds: 5 });
    await expect(c.get('/a', Thing)).rejects.toMatchObject({ code: 'TRAIN_CATALOGUE_DOWN', retryAfter: 5 });
  });
});

describe('createServiceClient over several replicas (a comma-separated baseUrl)', () => {
  async function replica(name: string): Promise<{ server: Server; url: string; served: () => number }> {
    let served = 0;
    const s = createServer((_req, res) => {
      served += 1;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 1, name }));
    });
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    return { server: s, url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, served: () => served };
  }
  const stop = (s: Server) =>
    new Promise<void>((resolve) => {
      s.closeAllConnections();
      s.close(() => resolve());
    });

  it('spreads calls over every replica', async () => {
    const [a, b] = await Promise.all([replica('a'), replica('b')]);
    const c = client({ baseUrl: `${a.url}, ${b.url}/` });
    const names = await Promise.all(Array.from({ length: 40 }, () => c.get('/things/1', Thing)));
    expect(new Set(names.map((t) => t?.name))).toEqual(new Set(['a', 'b']));
    expect(a.served() + b.served()).toBe(40);
    await c.close();
    await Promise.all([stop(a.server), stop(b.server)]);
  });

  it('keeps answering when one replica is down: a GET is retried on another', async () => {
    const [a, b] = await Promise.all([replica('a'), replica('b')]);
    const downUrl = a.url;
    await stop(a.server);
    const c = client({ baseUrl: `${downUrl},${b.url}`, breaker: false });
    const answers = await Promise.all(Array.from({ length: 20 }, () => c.get('/things/1', Thing)));
    expect(answers.every((t) => t?.name === 'b')).toBe(true);
    await c.close();
    await stop(b.server);
  });

  it('refuses an empty base URL list at construction', () => {
    expect(() => client({ baseUrl: ' , ' })).toThrow(/no base URL/);
  });
});
