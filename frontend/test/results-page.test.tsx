// The results page and the sale of its date: "on sale from …" before the opening, class links through the
// waiting room while it is active (straight to the seats with a pass), and the waitlist for a sold-out class.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetQueueMemory, savePass, tripDate } from '../src/api/queue-pass.js';
import type { Sale, SearchResponse } from '../src/api/types.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { ApiProvider } from '../src/lib/app-context.js';
import { resetSaleCache } from '../src/lib/sale.js';
import { ResultsPage } from '../src/pages/results-page.js';
import { DATE, problemBody, routedApi, sale } from './queue-fixtures.js';

const search: SearchResponse = {
  from: { code: 'DHK', name: 'Dhaka' },
  to: { code: 'CTG', name: 'Chattogram' },
  date: DATE,
  trips: [
    {
      tripId: 42,
      trainName: 'Subarna Express',
      trainNumber: '702',
      date: DATE,
      from: { code: 'DHK', name: 'Dhaka', departure: `${DATE}T16:30:00+06:00` },
      to: { code: 'CTG', name: 'Chattogram', arrival: `${DATE}T21:40:00+06:00` },
      distanceKm: 321,
      durationMinutes: 310,
      availability: 'live',
      classes: [
        { class: 'S_CHAIR', fare: 407, seatsTotal: 165, seatsAvailable: 40 },
        { class: 'AC_S', fare: 935, seatsTotal: 55, seatsAvailable: 0 },
      ],
    },
  ],
} as SearchResponse;

function renderResults(s: Sale | null, lang: 'en' | 'bn' = 'en') {
  const routed = routedApi((call) => {
    if (call.path.startsWith('/api/trains/search')) return [200, search];
    if (call.path === `/api/queue/sales/${DATE}`) return s ? [200, s] : [404, problemBody(404, 'NOT_FOUND')];
    if (call.path === '/api/bookings/waitlist')
      return [201, { waitlistId: '0d7e2c9a-4c1b-4b7e-8d7e-1f2a3b4c5d6e', position: 1, status: 'WAITING' }];
    throw new Error(`unexpected ${call.method} ${call.path}`);
  });
  window.history.replaceState(null, '', `/results?from=DHK&to=CTG&date=${DATE}`);
  render(
    <ApiProvider api={routed.api}>
      <I18nProvider lang={lang}>
        <ResultsPage />
      </I18nProvider>
    </ApiProvider>,
  );
  return routed;
}

const seatsLink = () => screen.getByRole('link', { name: /^Choose seats: Subarna Express, Shovan Chair/ });

beforeEach(() => {
  resetSaleCache();
  resetQueueMemory();
});

describe('ResultsPage and the sale', () => {
  it('says when tickets go on sale and leads through the waiting room while it is active', async () => {
    const opensAt = new Date(Date.now() + 600_000).toISOString();
    renderResults(sale({ opensAt, status: 'queueing', roomActive: true }));
    await screen.findByText(/^On sale from /);
    expect(screen.getByText(/you will queue in the waiting room first/)).toBeTruthy();
    const href = seatsLink().getAttribute('href') ?? '';
    expect(href.startsWith(`/queue/${DATE}?next=`)).toBe(true);
    expect(decodeURIComponent(href.split('next=')[1] ?? '')).toBe('/trips/42/seats?from=DHK&to=CTG&class=S_CHAIR');
    await waitFor(() => expect(tripDate(42)).toBe(DATE)); // the trip's sale date, for its pass later
  });

  it('goes straight to the seats with a pass for the date', async () => {
    savePass(DATE, { pass: 'p', expiresAt: new Date(Date.now() + 60_000).toISOString() });
    renderResults(sale({ status: 'queueing', roomActive: true }));
    await screen.findByText('Subarna Express');
    expect(seatsLink().getAttribute('href')).toBe('/trips/42/seats?from=DHK&to=CTG&class=S_CHAIR');
    expect(screen.queryByText(/you will queue in the waiting room first/)).toBeNull();
  });

  it('shows nothing extra for a date that simply sells, or when the waiting room does not answer', async () => {
    renderResults(null);
    await screen.findByText('Subarna Express');
    expect(screen.queryByText(/^On sale from /)).toBeNull();
    expect(seatsLink().getAttribute('href')).toBe('/trips/42/seats?from=DHK&to=CTG&class=S_CHAIR');
  });

  it('says the date is sold out', async () => {
    renderResults(sale({ status: 'sold-out', roomActive: false, seatsLeft: 0 }));
    await screen.findByText(/^Sold out: every seat on .* is sold or held\./);
  });

  it('offers the waitlist for a sold-out class', async () => {
    const user = userEvent.setup();
    const { calls } = renderResults(null);
    await screen.findByText('Subarna Express');
    const card = within(document.querySelector('li.trip') as HTMLElement);
    await user.click(card.getByRole('button', { name: 'Join the waitlist' }));
    await user.click(card.getByRole('button', { name: 'Join the waitlist' }));
    await card.findByText(/^You are number 1 on the waitlist\./);
    expect(calls.find((c) => c.path === '/api/bookings/waitlist')?.body).toEqual({
      tripId: 42,
      from: 'DHK',
      to: 'CTG',
      class: 'AC_S',
      count: 1,
    });
  });

  it('says "on sale from" in Bengali', async () => {
    renderResults(sale({ opensAt: new Date(Date.now() + 600_000).toISOString(), status: 'scheduled', roomActive: false }), 'bn');
    await screen.findByText(/থেকে বিক্রি শুরু$/);
  });
});
