/** Through a real Fastify server: a booking lookup made while serving a request forwards that request's id and trace. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestContextHook } from '@rail/service-client';
import { createHttpBookingClient } from '../../src/clients/booking-client.js';

const seen: IncomingHttpHeaders[] = [];
const booking = createServer((req, res) => {
  seen.push(req.headers);
  res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
});
const app = Fastify({
  genReqId: (req) => (typeof req.headers['x-request-id'] === 'string' ? req.headers['x-request-id'] : 'generated'),
});

beforeAll(async () => {
  await new Promise<void>((resolve) => booking.listen(0, '127.0.0.1', resolve));
  const client = createHttpBookingClient({
    baseUrl: `http://127.0.0.1:${(booking.address() as AddressInfo).port}`,
    timeoutMs: 500,
  });
  app.addHook('onRequest', requestContextHook);
  app.post('/pay', async (request) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { found: (await client.getBooking((request.body as { bookingId: string }).bookingId)) !== null };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  booking.closeAllConnections();
  await new Promise<void>((resolve) => booking.close(() => resolve()));
});

describe('request context', () => {
  it('forwards x-request-id and traceparent of the incoming request to the booking service', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const { port } = app.server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'edge-7', traceparent },
      body: JSON.stringify({ bookingId: 'b-1' }),
    });
    expect(await res.json()).toEqual({ found: false });
    expect(seen.map((h) => [h['x-request-id'], h.traceparent])).toEqual([['edge-7', traceparent]]);
  });
});
