/**
 * A stand-in upstream for gateway-behaviour tests: a real HTTP server built with the services' own
 * createApp (so it answers health, errors and X-Served-By exactly like a service), which reports what
 * the gateway sent it. It lets the gateway's routing, limits, retries and streaming be tested apart
 * from the services' business logic; the real services are covered by system.test.ts.
 */
import type { AddressInfo } from 'node:net';
import { createApp, type App } from '@rail/http';
import { createLogger } from '@rail/logger';

export interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface StandIn {
  name: string;
  port: number;
  address: string;
  seen: Seen[];
  /** While set, every /api request kills its connection without an answer (a crashing instance). */
  faulty: boolean;
  /** While set, decides /api answers itself (undefined: the echo): a service whose answer changes over time. */
  respond?: (request: Seen) => StandInAnswer | undefined;
  app: App;
  close: () => Promise<void>;
}

export interface StandInAnswer {
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

export async function startStandIn(name: string): Promise<StandIn> {
  const seen: Seen[] = [];
  const standIn: Pick<StandIn, 'faulty' | 'respond'> = { faulty: false };
  const app = await createApp({
    service: name,
    apiPrefix: `/api/${name}`,
    logger: createLogger({ service: name, level: 'silent' }),
  });
  app.addHook('onRequest', async (request) => {
    seen.push({ method: request.method, url: request.url, headers: { ...request.headers } });
  });

  // Echo of what arrived: path, client address as the service sees it, forwarded headers.
  app.all('/api/*', async (request, reply) => {
    const url = new URL(request.url, 'http://x');
    const delay = Number(url.searchParams.get('delayMs') ?? 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (standIn.faulty) {
      // Dies mid-request without answering: what a crashing replica looks like to nginx.
      request.raw.socket.destroy();
      return reply;
    }
    const answer = standIn.respond?.({ method: request.method, url: request.url, headers: request.headers });
    if (answer) {
      const type = answer.status >= 400 ? 'application/problem+json' : 'application/json';
      return reply
        .code(answer.status)
        .headers(answer.headers ?? {})
        .type(type)
        .send({ ...(answer.body as object), at: Date.now() });
    }
    // An application error the client provoked (a 503 for bad input, as booking gave for an out-of-range trip id).
    const status = Number(url.searchParams.get('status') ?? 200);
    if (status >= 400) {
      return reply
        .code(status)
        .header('retry-after', '1')
        .type('application/problem+json')
        .send({ type: 'about:blank', title: 'stand-in error', status, code: 'STAND_IN_ERROR', detail: 'asked for' });
    }
    if (url.searchParams.get('big') === '1') {
      return { service: name, filler: 'x'.repeat(8192) };
    }
    return {
      service: name,
      method: request.method,
      path: url.pathname,
      ip: request.ip,
      requestId: request.headers['x-request-id'],
      forwardedFor: request.headers['x-forwarded-for'],
      at: Date.now(),
    };
  });

  // A server-sent-events stream: one event now, one later, then the end.
  app.get('/api/bookings/trips/:tripId/seat-events', (request, reply) => {
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-served-by': name });
    reply.raw.write(`event: hello\ndata: {"tripId":"${(request.params as { tripId: string }).tripId}"}\n\n`);
    const timer = setTimeout(() => {
      reply.raw.write('event: bye\ndata: {}\n\n');
      reply.raw.end();
    }, 1500);
    request.raw.on('close', () => clearTimeout(timer));
    return reply;
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  return Object.assign(standIn, { name, port, address: `127.0.0.1:${port}`, seen, app, close: () => app.close() });
}
