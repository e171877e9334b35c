// My bookings and the waitlist: the place in line while waiting, a clear notice with the way on to pay once
// seats are offered (an ordinary HELD booking carrying the waitlistId), leaving, and Bengali.
import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Booking, WaitlistEntry } from '../src/api/types.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { ApiProvider } from '../src/lib/app-context.js';
import { BookingsPage, WAITLIST_POLL_MS } from '../src/pages/bookings-page.js';
import { problemBody, routedApi, type Routed } from './queue-fixtures.js';

const WL = '0d7e2c9a-4c1b-4b7e-8d7e-1f2a3b4c5d6e';
const BOOKING = '6f1c1d7e-2f6a-4a55-9a39-3b0a4d6f0a11';

const entry = (overrides: Partial<WaitlistEntry> = {}): WaitlistEntry => ({
  waitlistId: WL,
  status: 'WAITING',
  tripId: 7,
  from: 'DHK',
  to: 'CTG',
  class: 'AC_S',
  count: 2,
  position: 3,
  bookingId: null,
  offerExpiresAt: null,
  createdAt: '2026-12-02T10:00:00.000Z',
  updatedAt: '2026-12-02T10:00:00.000Z',
  ...overrides,
});

const offeredBooking: Booking = {
  bookingId: BOOKING,
  status: 'HELD',
  tripId: 7,
  from: 'DHK',
  to: 'CTG',
  seats: [
    { seatId: 10501, label: 'UMA-1', coach: 'UMA', class: 'AC_S' },
    { seatId: 10502, label: 'UMA-2', coach: 'UMA', class: 'AC_S' },
  ],
  passengers: [],
  amount: 1870,
  currency: 'BDT',
  expiresAt: '2026-12-02T10:20:00.000Z',
  reference: null,
  waitlistId: WL,
  createdAt: '2026-12-02T10:15:00.000Z',
  updatedAt: '2026-12-02T10:15:00.000Z',
};

function renderBookings(waitlists: WaitlistEntry[][], bookings: () => Booking[], lang: 'en' | 'bn' = 'en') {
  let i = 0;
  const routed = routedApi((call: Routed) => {
    if (call.path === '/api/bookings/waitlist') return [200, { items: waitlists[Math.min(i++, waitlists.length - 1)] }];
    if (call.path.startsWith('/api/bookings/waitlist/') && call.method === 'DELETE')
      return [200, { waitlistId: WL, status: 'LEFT' }];
    if (call.path.startsWith('/api/bookings')) return [200, { items: bookings(), nextCursor: null }];
    if (call.path === '/api/trains/stations')
      return [
        200,
        {
          stations: [
            { code: 'DHK', name: 'Dhaka' },
            { code: 'CTG', name: 'Chattogram' },
          ],
        },
      ];
    return [404, problemBody(404, 'TRIP_NOT_FOUND')];
  });
  window.history.replaceState(null, '', '/bookings');
  render(
    <ApiProvider api={routed.api}>
      <I18nProvider lang={lang}>
        <BookingsPage />
      </I18nProvider>
    </ApiProvider>,
  );
  return routed;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('My bookings: the waitlist', () => {
  it('shows the place in line while waiting, then a clear notice with the way on to pay once seats are offered', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let offered = false;
    renderBookings(
      [[entry()], [entry({ status: 'OFFERED', position: null, bookingId: BOOKING, offerExpiresAt: '2026-12-02T10:20:00.000Z' })]],
      () => (offered ? [offeredBooking] : []),
    );
    const row = await screen.findByText('Number 3 in line');
    expect(row.closest('li')?.textContent).toContain('2 × AC Seat');
    expect(row.closest('li')?.textContent).toContain('Waiting');
    expect(screen.queryByText(/Seats are waiting for you!/)).toBeNull();

    offered = true;
    await act(async () => void (await vi.advanceTimersByTimeAsync(WAITLIST_POLL_MS + 50)));
    const notice = await screen.findByText(/Seats are waiting for you! Your waitlist place came up: pay by .*16:20/);
    const pay = within(notice.closest('.notice') as HTMLElement).getByRole('link', { name: 'Continue to pay' });
    expect(pay.getAttribute('href')).toBe(`/bookings/${BOOKING}/passengers`);
    // The offered booking is listed as held, marked as the waitlist's offer.
    const booking = await screen.findByText('Waitlist offer');
    expect(booking.closest('li')?.textContent).toContain('Held');
    expect(screen.queryByText('Number 3 in line')).toBeNull();
  });

  it('leaves the waitlist', async () => {
    const user = userEvent.setup();
    const { calls } = renderBookings([[entry()], []], () => []);
    await user.click(await screen.findByRole('button', { name: 'Leave the waitlist' }));
    await screen.findByText('You left the waitlist.');
    expect(calls.some((c) => c.method === 'DELETE' && c.path === `/api/bookings/waitlist/${WL}`)).toBe(true);
  });

  it('says the position in Bengali digits', async () => {
    renderBookings([[entry({ position: 12 })]], () => [], 'bn');
    await screen.findByText('লাইনে ১২ নম্বর');
    expect(screen.getByRole('heading', { name: 'অপেক্ষমাণ তালিকা' })).toBeTruthy();
  });
});
