// How old the seat map is: its age on arrival (the service's availabilityAgeMs plus a cache's Age), the
// "updated N s ago" label counting on, and the label in the seats page's live badge.
import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FreshnessLabel } from '../src/components/freshness-label.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { ApiProvider } from '../src/lib/app-context.js';
import { ageOnArrival, freshness } from '../src/lib/freshness.js';
import { SeatsPage } from '../src/pages/seats-page.js';
import { seatMap } from './fixtures.js';
import { problemBody, routedApi } from './queue-fixtures.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('seat map age', () => {
  it('adds the seconds a cache kept the answer (Age) to the age the service reported', () => {
    expect(ageOnArrival({ availabilityAgeMs: 700 }, new Headers())).toBe(700);
    expect(ageOnArrival({ availabilityAgeMs: 700 }, new Headers({ age: '2' }))).toBe(2700);
    expect(ageOnArrival({}, new Headers({ age: 'soon' }))).toBe(0);
  });

  it('says just now, then seconds, then minutes', () => {
    expect(freshness(1500)).toEqual({ unit: 'now' });
    expect(freshness(4200)).toEqual({ unit: 's', n: 4 });
    expect(freshness(125_000)).toEqual({ unit: 'min', n: 2 });
  });

  it('counts on while the page is open, in both languages', () => {
    vi.useFakeTimers();
    const asOf = Date.now() - 3000;
    const { unmount } = render(
      <I18nProvider lang="en">
        <FreshnessLabel asOf={asOf} />
      </I18nProvider>,
    );
    expect(screen.getByText('updated 3 s ago')).toBeTruthy();
    act(() => void vi.advanceTimersByTime(2000));
    expect(screen.getByText('updated 5 s ago')).toBeTruthy();
    unmount();
    render(
      <I18nProvider lang="bn">
        <FreshnessLabel asOf={asOf} />
      </I18nProvider>,
    );
    expect(screen.getByText('৫ সেকেন্ড আগে হালনাগাদ')).toBeTruthy();
  });

  it('shows in the live badge how old the map was when it arrived', async () => {
    const { api } = routedApi((call) => {
      if (call.path.startsWith('/api/trains/trips/7/seats'))
        return [200, seatMap({ availability: 'live', availabilityAgeMs: 6_400 }), { age: '1' }];
      return [404, problemBody(404, 'TRIP_NOT_FOUND')];
    });
    window.history.replaceState(null, '', '/trips/7/seats?from=DHK&to=CTG');
    render(
      <ApiProvider api={api}>
        <I18nProvider lang="en">
          <SeatsPage tripId={7} />
        </I18nProvider>
      </ApiProvider>,
    );
    const label = await screen.findByText(/^updated \d+ s ago$/);
    expect(label.textContent).toBe('updated 7 s ago');
    expect(label.closest('.live-badge')).toBeTruthy();
  });
});
