// The waiting room page: joins once the room is active, shows the place, progress, estimated wait and seats
// left, checks in at the server's interval, and when admitted keeps the pass and moves on by itself.
import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { passFor, queueHeaders, rememberTripDate, resetQueueMemory } from '../src/api/queue-pass.js';
import type { Place } from '../src/api/types.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { ApiProvider } from '../src/lib/app-context.js';
import { ADMITTED_PAUSE_MS, formatWait, safeNext, WaitingRoomPage } from '../src/pages/waiting-room-page.js';
import { translate } from '../src/i18n/i18n.js';
import { DATE, place, problemBody, routedApi, sale, type Routed } from './queue-fixtures.js';

const NEXT = '/trips/42/seats?from=DHK&to=CTG&class=S_CHAIR';

/** The room answers: the sale, then 404 to the first check-in (never joined), then `places` in turn. */
function roomApi(places: Place[], saleOverrides: Parameters<typeof sale>[0] = {}) {
  let joined = false;
  let i = 0;
  const nextPlace = () => places[Math.min(i++, places.length - 1)]!;
  return routedApi((call: Routed): [number, unknown] => {
    if (call.path === `/api/queue/sales/${DATE}`) return [200, sale(saleOverrides)];
    if (call.path === `/api/queue/sales/${DATE}/me`) return joined ? [200, nextPlace()] : [404, problemBody(404, 'NOT_IN_QUEUE')];
    if (call.path === `/api/queue/sales/${DATE}/join` && call.method === 'POST') {
      joined = true;
      return [200, nextPlace()];
    }
    throw new Error(`unexpected ${call.method} ${call.path}`);
  });
}

function renderRoom(api: ReturnType<typeof routedApi>['api'], lang: 'en' | 'bn' = 'en') {
  window.history.replaceState(null, '', `/queue/${DATE}?next=${encodeURIComponent(NEXT)}`);
  return render(
    <ApiProvider api={api}>
      <I18nProvider lang={lang}>
        <WaitingRoomPage date={DATE} />
      </I18nProvider>
    </ApiProvider>,
  );
}

const flush = (ms = 0) => act(async () => void (await vi.advanceTimersByTimeAsync(ms)));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
  resetQueueMemory();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('WaitingRoomPage', () => {
  it('joins, then shows the place in line, the progress, the estimated wait and the seats left', async () => {
    const { api, calls } = roomApi([
      place({ position: 40, ahead: 39, estimatedWaitSeconds: 200, seatsLeft: 1200 }),
      place({ position: 10, ahead: 9, estimatedWaitSeconds: 50, seatsLeft: 900 }),
    ]);
    renderRoom(api);
    await flush();
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      `GET /api/queue/sales/${DATE}`,
      `GET /api/queue/sales/${DATE}/me`,
      `POST /api/queue/sales/${DATE}/join`,
    ]);
    expect(screen.getByTestId('queue-position').textContent).toBe('You are number 40 in line');
    expect(screen.getByText('39 people ahead of you')).toBeTruthy();
    expect(screen.getByText('Estimated wait: about 4 min')).toBeTruthy();
    expect(screen.getByText('1,200 seats left for this date')).toBeTruthy();
    expect(screen.getByText('Keep this page open: you keep your place.')).toBeTruthy();
    const bar = screen.getByRole('progressbar', { name: 'Your progress in the line' });
    expect(bar.getAttribute('aria-valuenow')).toBe('0');

    // The next check-in comes after the server's pollAfterSeconds (2 s), not before.
    await flush(1900);
    expect(calls).toHaveLength(3);
    await flush(200);
    expect(calls).toHaveLength(4);
    expect(calls[3]?.path).toBe(`/api/queue/sales/${DATE}/me`);
    expect(screen.getByTestId('queue-position').textContent).toBe('You are number 10 in line');
    expect(bar.getAttribute('aria-valuenow')).toBe('75'); // 30 of the first 40 places gone
    expect(screen.getByText('Estimated wait: less than a minute')).toBeTruthy();
    expect(screen.getByText('900 seats left for this date')).toBeTruthy();
  });

  it('when admitted keeps the pass for the date and moves on to seat selection by itself', async () => {
    const { api } = roomApi([
      place({ position: 1, ahead: 0, estimatedWaitSeconds: 2 }),
      place({
        status: 'admitted',
        position: 0,
        ahead: 0,
        estimatedWaitSeconds: 0,
        pass: 'pass-abc',
        passExpiresAt: new Date(Date.now() + 600_000).toISOString(),
      }),
    ]);
    renderRoom(api);
    await flush();
    expect(screen.getByText('Nobody is ahead of you')).toBeTruthy();
    await flush(2000);
    expect(screen.getByText(/It is your turn!/)).toBeTruthy();
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(passFor(DATE)?.pass).toBe('pass-abc');
    expect(window.location.pathname).toBe(`/queue/${DATE}`);
    await flush(ADMITTED_PAUSE_MS);
    expect(window.location.pathname + window.location.search).toBe(NEXT);
    // The pass now goes with requests about the date's trips.
    rememberTripDate(42, DATE);
    expect(queueHeaders(42)).toEqual({ 'x-queue-pass': 'pass-abc' });
  });

  it('before the opening says places are drawn at the opening, with a countdown and no position', async () => {
    const opensAt = new Date(Date.now() + 95_000).toISOString();
    const { api } = roomApi([place({ preQueue: true, position: null, ahead: null, estimatedWaitSeconds: null, opensAt })], {
      opensAt,
    });
    renderRoom(api);
    await flush();
    expect(screen.getByText(/Everyone here before then gets a place drawn at random at the opening/)).toBeTruthy();
    expect(screen.getByRole('timer').textContent).toMatch(/^Opens in 1:3\d$/);
    expect(screen.queryByTestId('queue-position')).toBeNull();
    expect(screen.getByRole('progressbar').hasAttribute('aria-valuenow')).toBe(false);
  });

  it('waits for a room that has not opened yet, saying when it will', async () => {
    const { api, calls } = roomApi([place()], {
      status: 'scheduled',
      roomActive: false,
      roomReason: null,
      opensAt: new Date(Date.now() + 3_600_000).toISOString(),
      roomOpensAt: new Date(Date.now() + 10_000).toISOString(),
    });
    renderRoom(api);
    await flush();
    expect(screen.getByText(/^On sale from /)).toBeTruthy();
    expect(screen.getByText(/The waiting room opens at/)).toBeTruthy();
    expect(calls).toHaveLength(1); // not joined: there is no room yet
  });

  it('says when the date is sold out and stops checking in', async () => {
    const { api, calls } = roomApi([place({ status: 'sold-out', position: null, ahead: null, seatsLeft: 0 })]);
    renderRoom(api);
    await flush();
    expect(screen.getByText(/Sold out: every seat for/)).toBeTruthy();
    const n = calls.length;
    await flush(10_000);
    expect(calls).toHaveLength(n);
  });

  it('speaks Bengali', async () => {
    const { api } = roomApi([place({ position: 12, ahead: 11, estimatedWaitSeconds: 400 })]);
    renderRoom(api, 'bn');
    await flush();
    expect(screen.getByTestId('queue-position').textContent).toBe('লাইনে আপনি ১২ নম্বরে');
    expect(screen.getByText('আনুমানিক অপেক্ষা: প্রায় ৭ মিনিট')).toBeTruthy();
    expect(screen.getByText('এই পাতাটি খোলা রাখুন: আপনার জায়গা থাকবে।')).toBeTruthy();
  });
});

describe('waiting room helpers', () => {
  const i18n = {
    t: (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) => translate('en', k, v),
    num: String,
  };
  it('formats the estimated wait', () => {
    expect(formatWait(null, i18n)).toBe('working it out…');
    expect(formatWait(59, i18n)).toBe('less than a minute');
    expect(formatWait(61, i18n)).toBe('about 2 min');
    expect(formatWait(4800, i18n)).toBe('about 1 h 20 min');
  });
  it('returns only to a path of this app', () => {
    expect(safeNext('/trips/1/seats?from=DHK')).toBe('/trips/1/seats?from=DHK');
    expect(safeNext('//evil.example')).toBeNull();
    expect(safeNext('https://evil.example')).toBeNull();
    expect(safeNext(null)).toBeNull();
  });
});
