/** The booking-service client against real sockets: an unreachable service and an off-contract answer are 503s. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createHttpBookingClient } from '../../src/clients/booking-client.js';

const bookingId = '6f1b1f0e-2b6a-4a57-9d7e-1b1a1c1d1e1f';

describe('createHttpBookingClient', () => {
  it('answers 503 BOOKING_SERVICE_UNAVAILABLE with Retry-After when nothing listens', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = createHttpBookingClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 500 });
    await expect(client.getBooking(bookingId)).rejects.toMatchObject({
      status: 503,
      code: 'BOOKING_SERVICE_UNAVAILABLE',
      retryAfter: 2,
    });
  });

  it('refuses an answer that does not follow the contract rather than trusting its amount', async () => {
    const server = createServer((_req, res) => {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ bookingId, userId: 'u', status: 'PENDING_PAYMENT', amount: '12' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const client = createHttpBookingClient({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        timeoutMs: 500,
      });
      await expect(client.getBooking(bookingId)).rejects.toMatchObject({ status: 503 });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
