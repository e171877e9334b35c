/**
 * The booking-service client against real sockets: an unreachable, failing, slow or off-contract booking
 * service is a 503 with Retry-After; an unknown booking is null; the request id is forwarded.
 */
import { createServer, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { runWithRequestContext } from '@rail/service-client';
import { createHttpBookingClient, type BookingForPayment } from '../../src/clients/booking-client.js';

const bookingId = '6f1b1f0e-2b6a-4a57-9d7e-1b1a1c1d1e1f';
const booking: BookingForPayment = {
  bookingId,
  userId: 'u-1',
  status: 'PENDING_PAYMENT',
  amount: 1_250,
  currency: 'BDT',
  expiresAt: new Date(Date.now() + 60_000).toISOString(),
  tripId: 42,
};

async function withServer(handler: RequestListener, run: (baseUrl: string) => Promise<void>): Promise<void> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const json =
  (status: number, body: unknown, delayMs = 0): RequestListener =>
  (_req, res) => {
    setTimeout(() => {
      if (!res.destroyed) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }, delayMs);
  };

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

  it('returns the booking, and null for one the booking service does not know', async () => {
    const seen: string[] = [];
    await withServer(
      (req, res) => {
        seen.push(req.url ?? '');
        json(req.url?.endsWith(bookingId) ? 200 : 404, req.url?.endsWith(bookingId) ? booking : { code: 'NOT_FOUND' })(req, res);
      },
      async (baseUrl) => {
        const client = createHttpBookingClient({ baseUrl, timeoutMs: 500 });
        expect(await client.getBooking(bookingId)).toEqual(booking);
        expect(await client.getBooking('00000000-0000-4000-8000-000000000000')).toBeNull();
        expect(seen).toEqual([`/internal/bookings/${bookingId}`, '/internal/bookings/00000000-0000-4000-8000-000000000000']);
      },
    );
  });

  it('refuses an answer that does not follow the contract rather than trusting its amount', async () => {
    await withServer(json(200, { ...booking, amount: '12' }), async (baseUrl) => {
      const client = createHttpBookingClient({ baseUrl, timeoutMs: 500 });
      await expect(client.getBooking(bookingId)).rejects.toMatchObject({
        status: 503,
        code: 'BOOKING_SERVICE_INVALID',
        retryAfter: 2,
      });
    });
  });

  it('answers 503 when the booking service fails or is slower than the timeout', async () => {
    await withServer(json(500, { code: 'INTERNAL' }), async (baseUrl) => {
      const client = createHttpBookingClient({ baseUrl, timeoutMs: 500 });
      await expect(client.getBooking(bookingId)).rejects.toMatchObject({ status: 503, code: 'BOOKING_SERVICE_UNAVAILABLE' });
    });
    await withServer(json(200, booking, 1_000), async (baseUrl) => {
      const client = createHttpBookingClient({ baseUrl, timeoutMs: 200 });
      const started = Date.now();
      await expect(client.getBooking(bookingId)).rejects.toMatchObject({ status: 503, retryAfter: 2 });
      expect(Date.now() - started).toBeLessThan(900);
    });
  });

  it('stops calling a failing booking service once its breaker opens', async () => {
    let calls = 0;
    await withServer(
      (req, res) => {
        calls++;
        json(500, {})(req, res);
      },
      async (baseUrl) => {
        const client = createHttpBookingClient({
          baseUrl,
          timeoutMs: 500,
          breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 },
        });
        for (let i = 0; i < 4; i++) await expect(client.getBooking(bookingId)).rejects.toMatchObject({ status: 503 });
        expect(calls).toBe(2);
      },
    );
  });

  it('forwards the request id of the payment request it serves', async () => {
    const headers: IncomingHttpHeaders[] = [];
    await withServer(
      (req, res) => {
        headers.push(req.headers);
        json(200, booking)(req, res);
      },
      async (baseUrl) => {
        const client = createHttpBookingClient({ baseUrl, timeoutMs: 500 });
        await client.getBooking(bookingId, { requestId: 'pay-req-1' });
        await runWithRequestContext({ requestId: 'pay-req-2' }, () => client.getBooking(bookingId));
        expect(headers.map((h) => h['x-request-id'])).toEqual(['pay-req-1', 'pay-req-2']);
      },
    );
  });
});
