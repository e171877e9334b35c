// The e-ticket page's QR: the signed string from the notification service, or quietly the reference.
import { render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../src/api/client.js';
import { createApi } from '../src/api/endpoints.js';
import { createSessionStore } from '../src/api/session.js';
import type { Booking } from '../src/api/types.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { ApiProvider } from '../src/lib/app-context.js';
import { TicketPage } from '../src/pages/ticket-page.js';

const qrPayloads = vi.hoisted(() => [] as string[]);
vi.mock('qrcode', () => {
  const toString = async (payload: string) => {
    qrPayloads.push(payload);
    return '<svg xmlns="http://www.w3.org/2000/svg"/>';
  };
  return { toString, default: { toString } };
});

const ID = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';
const SIGNED = 'RT1.eyJ2IjoxfQ.c2lnbmF0dXJl';

const booking: Booking = {
  bookingId: ID,
  status: 'CONFIRMED',
  tripId: 7,
  from: 'DHK',
  to: 'CTG',
  seats: [{ seatId: 101, label: 'KA-1', coach: 'KA', class: 'S_CHAIR' }],
  passengers: [{ name: 'Rahim Uddin' }],
  amount: 405,
  currency: 'BDT',
  expiresAt: null,
  reference: 'K7M3QX',
  createdAt: '2026-04-01T00:00:00.000Z',
  updatedAt: '2026-04-01T00:05:00.000Z',
};

const jsonResponse = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json' },
  });
const problem = (status: number, code: string) => jsonResponse(status, { type: 'about:blank', title: code, status, code });

function renderPage(ticketAnswers: (() => Response)[]) {
  const ticketCalls: string[] = [];
  const session = createSessionStore(null);
  session.set({ token: 'access-token', refreshToken: 'refresh', expiresAt: Date.now() + 3_600_000, user: null });
  const client = new ApiClient({
    session,
    fetch: async (input, init) => {
      const url = String(input);
      if (url === `/api/bookings/${ID}`) return jsonResponse(200, booking);
      if (url === `/api/notifications/tickets/${ID}`) {
        ticketCalls.push(new Headers(init?.headers).get('authorization') ?? '');
        const answer = ticketAnswers.shift();
        if (!answer) throw new Error('unexpected extra ticket request');
        return answer();
      }
      if (url.startsWith('/api/trains/')) return problem(404, 'NOT_FOUND');
      throw new Error(`unexpected ${url}`);
    },
  });
  window.history.replaceState(null, '', `/bookings/${ID}`);
  render(
    <ApiProvider api={createApi(client)}>
      <I18nProvider lang="en">
        <TicketPage id={ID} />
      </I18nProvider>
    </ApiProvider>,
  );
  return { ticketCalls };
}

beforeEach(() => {
  qrPayloads.length = 0;
});

describe('TicketPage QR code', () => {
  it('shows the signed e-ticket string from the notification service, asked for with the access token', async () => {
    const { ticketCalls } = renderPage([() => jsonResponse(200, { bookingId: ID, reference: 'K7M3QX', qr: SIGNED })]);
    await screen.findByRole('img', { name: 'QR code for booking K7M3QX' });
    expect(qrPayloads).toEqual([SIGNED]);
    expect(ticketCalls).toEqual(['Bearer access-token']);
  });

  it('asks again while the ticket is not issued yet (404), then shows it', async () => {
    renderPage([
      () => problem(404, 'TICKET_NOT_FOUND'),
      () => jsonResponse(200, { bookingId: ID, reference: 'K7M3QX', qr: SIGNED }),
    ]);
    await waitFor(() => expect(qrPayloads).toEqual([SIGNED]), { timeout: 3_000 });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('falls back to the reference when the endpoint fails, without showing an error', async () => {
    renderPage([() => problem(500, 'INTERNAL')]);
    await screen.findByRole('img', { name: 'QR code for booking K7M3QX' });
    expect(qrPayloads).toEqual(['K7M3QX']);
    expect(screen.getByTestId('booking-reference').textContent).toBe('K7M3QX');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByText(/INTERNAL|went wrong/i)).toBeNull();
  });
});
