// The live seat map: events applied per segment and coalesced, polling while the stream is down, and
// the seats page's answer to a seat lost between click and hold.
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiClient } from '../src/api/client.js';
import { createApi } from '../src/api/endpoints.js';
import { createSessionStore } from '../src/api/session.js';
import type { SeatMap } from '../src/api/types.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { ApiProvider } from '../src/lib/app-context.js';
import { applySeatEvents, overlaps, useLiveSeats } from '../src/lib/live-seats.js';
import { SeatsPage } from '../src/pages/seats-page.js';
import { problem, seatMap } from './fixtures.js';

const STOPS = ['DHK', 'BBT', 'CTG'];
const statusOf = (map: SeatMap | undefined, seatId: number) =>
  map?.coaches.flatMap((c) => c.seats).find((s) => s.seatId === seatId)?.status;

class FakeEventSource {
  static last: FakeEventSource | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((m: MessageEvent<string>) => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;
  private listeners = new Map<string, (m: MessageEvent<string>) => void>();
  addEventListener(type: string, fn: (m: MessageEvent<string>) => void) {
    this.listeners.set(type, fn);
  }
  /** As the booking service sends them: `event: seats`, data = an array of events. */
  emitSeats(events: unknown[]) {
    this.listeners.get('seats')?.({ data: JSON.stringify(events) } as MessageEvent<string>);
  }
  constructor(readonly url: string) {
    FakeEventSource.last = this;
  }
  emit(data: unknown) {
    this.onmessage?.({ data: JSON.stringify(data) } as MessageEvent<string>);
  }
  close() {
    this.closed = true;
  }
}
const makeSource = (url: string) => new FakeEventSource(url) as unknown as EventSource;

/** An Api whose seat map answers from a mutable map, counting the loads. */
function seatsApi(initial: SeatMap, age?: { receivedAgoMs: number; headers?: Record<string, string> }) {
  let current = initial;
  let loads = 0;
  const client = new ApiClient({ session: createSessionStore(null), fetch: async () => new Response('{}') });
  const api = createApi(client);
  api.seats = async () => {
    loads++;
    return {
      data: structuredClone(current),
      headers: new Headers(age?.headers),
      receivedAt: Date.now() - (age?.receivedAgoMs ?? 0),
    };
  };
  return {
    api,
    set: (m: SeatMap) => (current = m),
    loads: () => loads,
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('applySeatEvents', () => {
  it('marks seats taken on an overlapping segment and ignores other segments and trips', () => {
    const map = seatMap();
    const { map: next, needsReload } = applySeatEvents(
      map,
      [
        { tripId: 7, seatIds: [101], status: 'held', from: 'BBT', to: 'CTG' }, // overlaps DHK->CTG
        { tripId: 7, seatIds: [104], status: 'booked', from: 'DHK', to: 'CTG' },
        { tripId: 8, seatIds: [105], status: 'held', from: 'DHK', to: 'CTG' }, // another trip
      ],
      STOPS,
    );
    expect([statusOf(next, 101), statusOf(next, 104), statusOf(next, 105)]).toEqual(['held', 'booked', 'available']);
    expect(needsReload).toBe(false);
    expect(statusOf(map, 101)).toBe('available'); // the input is not mutated
  });

  it('asks for a reload on a release, since the seat may still be taken on another segment', () => {
    const { map, needsReload } = applySeatEvents(
      seatMap(),
      [{ tripId: 7, seatIds: [102], status: 'available', from: 'DHK', to: 'CTG' }],
      STOPS,
    );
    expect(statusOf(map, 102)).toBe('held');
    expect(needsReload).toBe(true);
  });

  it('decides overlap of half-open segments along the route', () => {
    expect(overlaps('DHK', 'BBT', 'BBT', 'CTG', STOPS)).toBe(false);
    expect(overlaps('DHK', 'CTG', 'BBT', 'CTG', STOPS)).toBe(true);
    expect(overlaps('DHK', 'BBT', 'XXX', 'CTG', STOPS)).toBeNull();
    expect(overlaps('DHK', 'BBT', 'DHK', 'CTG', null)).toBeNull();
  });
});

describe('useLiveSeats', () => {
  it('applies a burst of events in one update and reloads after a release', async () => {
    const { api, loads } = seatsApi(seatMap());
    let renders = 0;
    const { result } = renderHook(() => {
      renders++;
      return useLiveSeats(api, 7, 'DHK', 'CTG', STOPS, { eventSource: makeSource, flushMs: 50, reloadDebounceMs: 50 });
    });
    await waitFor(() => expect(result.current.map).toBeDefined());
    const es = FakeEventSource.last!;
    expect(es.url).toBe('/api/bookings/trips/7/seat-events');
    act(() => es.onopen?.());
    await waitFor(() => expect(loads()).toBe(2)); // catch-up load on connect
    expect(result.current.live).toBe(true);
    const before = renders;
    act(() => {
      es.emitSeats([101, 104].map((id) => ({ tripId: 7, seatIds: [id], status: 'held', from: 'DHK', to: 'CTG' })));
      for (const id of [105, 106]) es.emit({ tripId: 7, seatIds: [id], status: 'held', from: 'DHK', to: 'CTG' });
      es.emitSeats([{ tripId: 7, seatIds: [107], status: 'held', from: 'BBT', to: 'CTG' }]);
    });
    await waitFor(() => expect(statusOf(result.current.map, 107)).toBe('held'));
    expect(statusOf(result.current.map, 101)).toBe('held');
    expect(renders - before).toBeLessThanOrEqual(2); // five events, one state update
    act(() => es.emit({ tripId: 7, seatIds: [102], status: 'available', from: 'DHK', to: 'CTG' }));
    await waitFor(() => expect(loads()).toBe(3));
  });

  it('dates the map by its age on arrival, and moves it to now when the open stream corrects it', async () => {
    const { api } = seatsApi(seatMap({ availabilityAgeMs: 4000 }), { receivedAgoMs: 0, headers: { age: '1' } });
    const { result } = renderHook(() =>
      useLiveSeats(api, 7, 'DHK', 'CTG', STOPS, { eventSource: makeSource, flushMs: 10, reloadDebounceMs: 10 }),
    );
    await waitFor(() => expect(result.current.asOf).toBeDefined());
    expect(Date.now() - result.current.asOf!).toBeGreaterThanOrEqual(5000);
    expect(Date.now() - result.current.asOf!).toBeLessThan(5500);
    const es = FakeEventSource.last!;
    act(() => es.emitSeats([{ tripId: 7, seatIds: [101], status: 'held', from: 'DHK', to: 'CTG' }]));
    await waitFor(() => expect(statusOf(result.current.map, 101)).toBe('held'));
    expect(Date.now() - result.current.asOf!).toBeLessThan(500);
  });

  it('polls while the stream is down and stops when it is back', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { api, loads, set } = seatsApi(seatMap());
    const { result, unmount } = renderHook(() =>
      useLiveSeats(api, 7, 'DHK', 'CTG', STOPS, { eventSource: makeSource, pollMs: 1000 }),
    );
    await vi.waitFor(() => expect(result.current.map).toBeDefined());
    const es = FakeEventSource.last!;
    act(() => es.onerror?.());
    expect(result.current.live).toBe(false);
    set(
      seatMap({
        coaches: seatMap().coaches.map((c) => ({
          ...c,
          seats: c.seats.map((s) => (s.seatId === 201 ? { ...s, status: 'booked' as const } : s)),
        })),
      }),
    );
    await act(async () => {
      await vi.advanceTimersByTimeAsync(2100);
    });
    expect(loads()).toBe(3);
    expect(statusOf(result.current.map, 201)).toBe('booked');
    act(() => es.onopen?.());
    const afterOpen = loads();
    await act(async () => {
      await vi.advanceTimersByTimeAsync(5000);
    });
    expect(loads()).toBe(afterOpen); // no more polling once live
    unmount();
    expect(es.closed).toBe(true);
  });

  it('falls back to polling when the browser has no EventSource', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const { api, loads } = seatsApi(seatMap());
    const { result } = renderHook(() => useLiveSeats(api, 7, 'DHK', 'CTG', STOPS, { eventSource: null, pollMs: 1000 }));
    await vi.waitFor(() => expect(result.current.map).toBeDefined());
    await act(async () => {
      await vi.advanceTimersByTimeAsync(3050);
    });
    expect(loads()).toBeGreaterThanOrEqual(4);
    expect(result.current.live).toBe(false);
  });
});

describe('SeatsPage', () => {
  it('explains a seat lost between click and hold, drops it from the choice and refreshes the map', async () => {
    const user = userEvent.setup();
    const session = createSessionStore(null);
    session.set({ token: 't', refreshToken: 'r', expiresAt: Date.now() + 60_000, user: null });
    let map = seatMap();
    let seatLoads = 0;
    const client = new ApiClient({
      session,
      fetch: async (input) => {
        const url = String(input);
        if (url.startsWith('/api/trains/trips/7/seats')) {
          seatLoads++;
          return new Response(JSON.stringify(map), { headers: { 'content-type': 'application/json' } });
        }
        if (url === '/api/trains/trips/7') return new Response('{}', { status: 404 });
        if (url === '/api/bookings/seats/select') {
          // Someone else won seat 104 a moment ago.
          map = {
            ...map,
            coaches: map.coaches.map((c) => ({
              ...c,
              seats: c.seats.map((s) => (s.seatId === 104 ? { ...s, status: 'held' as const } : s)),
            })),
          };
          return problem(409, 'SEAT_UNAVAILABLE', { seatIds: [104] })();
        }
        throw new Error(`unexpected ${url}`);
      },
    });
    window.history.replaceState(null, '', '/trips/7/seats?from=DHK&to=CTG');
    render(
      <ApiProvider api={createApi(client)}>
        <I18nProvider lang="en">
          <SeatsPage tripId={7} />
        </I18nProvider>
      </ApiProvider>,
    );
    await user.click(await screen.findByRole('button', { name: /seat 1, window, available/ }));
    await user.click(screen.getByRole('button', { name: /seat 4, window, available/ }));
    await user.click(screen.getByRole('button', { name: /Hold 2 seats · ৳810/ }));
    expect((await screen.findByText(/seat 4 was just taken by someone else/)).textContent).toContain('Please pick another seat');
    await waitFor(() => expect(screen.getByRole('button', { name: /seat 4, window, held by someone/ })).toBeTruthy());
    expect(screen.getByRole('button', { name: /seat 1, window, selected/ })).toBeTruthy();
    expect(screen.getByRole('button', { name: /Hold 1 seat · ৳405/ })).toBeTruthy();
    expect(seatLoads).toBeGreaterThanOrEqual(2);
  });
});
