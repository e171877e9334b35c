// The seats page's live badge: a hint when the train service served a stale seat map, gone once it is live.
import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../src/api/client.js';
import { createApi } from '../src/api/endpoints.js';
import { createSessionStore } from '../src/api/session.js';
import type { SeatMap } from '../src/api/types.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { ApiProvider } from '../src/lib/app-context.js';
import { SeatsPage } from '../src/pages/seats-page.js';
import { seatMap } from './fixtures.js';

function renderPage(maps: SeatMap[], lang: 'en' | 'bn' = 'en') {
  let loads = 0;
  const client = new ApiClient({
    session: createSessionStore(null),
    fetch: async (input) => {
      const url = String(input);
      if (url.startsWith('/api/trains/trips/7/seats')) {
        const map = maps[Math.min(loads++, maps.length - 1)];
        return new Response(JSON.stringify(map), { headers: { 'content-type': 'application/json' } });
      }
      if (url === '/api/trains/trips/7') return new Response('{}', { status: 404 });
      throw new Error(`unexpected ${url}`);
    },
  });
  window.history.replaceState(null, '', '/trips/7/seats?from=DHK&to=CTG');
  return render(
    <ApiProvider api={createApi(client)}>
      <I18nProvider lang={lang}>
        <SeatsPage tripId={7} />
      </I18nProvider>
    </ApiProvider>,
  );
}

/** The live badge (the page has other status regions, e.g. the loading notice). */
const badge = () => {
  const el = screen.getAllByRole('status').find((e) => e.classList.contains('live-badge'));
  if (!el) throw new Error('no live badge');
  return el;
};

describe('SeatsPage availability hint', () => {
  it('says the map may be a few seconds out of date when it is stale', async () => {
    renderPage([seatMap({ availability: 'stale', availabilityAgeMs: 4_000 })]);
    await waitFor(() => expect(badge().textContent).toContain('may be a few seconds out of date'));
  });

  it('says it in Bengali too', async () => {
    renderPage([seatMap({ availability: 'stale', availabilityAgeMs: 4_000 })], 'bn');
    await waitFor(() => expect(badge().textContent).toContain('কয়েক সেকেন্ড পুরোনো হতে পারে'));
  });

  it('shows no hint for a live map', async () => {
    renderPage([seatMap({ availability: 'live', availabilityAgeMs: 100 })]);
    await screen.findAllByRole('button', { name: /Coach KA, seat 1/ });
    expect(badge().textContent).not.toContain('out of date');
  });
});
