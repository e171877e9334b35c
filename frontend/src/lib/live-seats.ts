/**
 * The live seat map of one trip segment. Loads the map, then follows the booking service's server-sent
 * events, applying bursts in one render (events are buffered and flushed together) so a sales-opening
 * storm does not re-render per message. Seats taken on an overlapping segment are marked at once; a
 * release triggers a (debounced) reload, because a seat freed on one segment may still be taken on
 * another. When the stream is down the map is polled every few seconds until the stream is back.
 * `asOf` says how current the map is: when loaded, the moment its statuses were read (the answer's age on
 * arrival subtracted), and each burst the open stream applies moves it to now.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Api } from '../api/endpoints.js';
import type { SeatEvent, SeatMap } from '../api/types.js';
import { ageOnArrival } from './freshness.js';

export interface LiveSeats {
  map: SeatMap | undefined;
  error: unknown;
  /** True while the event stream is connected; false means we are polling. */
  live: boolean;
  /** Epoch ms (client clock) the map's statuses are from; undefined until loaded. */
  asOf: number | undefined;
  refresh: () => void;
}

export interface LiveSeatsOptions {
  pollMs?: number;
  flushMs?: number;
  reloadDebounceMs?: number;
  /** Injected in tests; the browser's EventSource otherwise (absent = polling only). */
  eventSource?: ((url: string) => EventSource) | null;
}

/** Apply seat events to a map: returns a new map when something changed, or the same object. */
export function applySeatEvents(
  map: SeatMap,
  events: SeatEvent[],
  stops: readonly string[] | null,
): { map: SeatMap; needsReload: boolean } {
  const taken = new Map<number, 'held' | 'booked'>();
  let needsReload = false;
  for (const ev of events) {
    if (ev.tripId !== map.tripId) continue;
    const overlap = overlaps(map.from, map.to, ev.from, ev.to, stops);
    if (overlap === false) continue;
    if (overlap === null || ev.status === 'available') {
      needsReload = true;
      continue;
    }
    for (const id of ev.seatIds) taken.set(id, ev.status);
  }
  if (taken.size === 0) return { map, needsReload };
  let changed = false;
  const coaches = map.coaches.map((coach) => {
    if (!coach.seats.some((s) => taken.has(s.seatId))) return coach;
    return {
      ...coach,
      seats: coach.seats.map((s) => {
        const next = taken.get(s.seatId);
        if (!next || s.status === next || s.status === 'booked') return s;
        changed = true;
        return { ...s, status: next };
      }),
    };
  });
  return { map: changed ? { ...map, coaches } : map, needsReload };
}

/** Whether segment [aFrom, aTo) overlaps [bFrom, bTo) along the ordered stops; null when it cannot tell. */
export function overlaps(
  aFrom: string,
  aTo: string,
  bFrom: string | undefined,
  bTo: string | undefined,
  stops: readonly string[] | null,
): boolean | null {
  if (!bFrom || !bTo || (aFrom === bFrom && aTo === bTo)) return true;
  if (!stops) return null;
  const [a0, a1, b0, b1] = [aFrom, aTo, bFrom, bTo].map((c) => stops.indexOf(c)) as [number, number, number, number];
  if (a0 < 0 || a1 < 0 || b0 < 0 || b1 < 0) return null;
  return b0 < a1 && a0 < b1;
}

export function useLiveSeats(
  api: Api,
  tripId: number,
  from: string | undefined,
  to: string | undefined,
  stops: readonly string[] | null,
  options: LiveSeatsOptions = {},
): LiveSeats {
  const { pollMs = 4000, flushMs = 120, reloadDebounceMs = 300 } = options;
  const makeSource =
    options.eventSource !== undefined
      ? options.eventSource
      : typeof EventSource === 'undefined'
        ? null
        : (url: string) => new EventSource(url);

  const [map, setMap] = useState<SeatMap>();
  const [error, setError] = useState<unknown>(null);
  const [live, setLive] = useState(false);
  const [asOf, setAsOf] = useState<number>();
  const stopsRef = useRef(stops);
  stopsRef.current = stops;
  const reloadRef = useRef<() => void>(() => undefined);
  const sourceRef = useRef(makeSource);
  sourceRef.current = makeSource;

  useEffect(() => {
    let disposed = false;
    let inflight: AbortController | null = null;
    let sinceFetch: SeatEvent[] | null = null;
    let buffer: SeatEvent[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | null = null;
    let reloadTimer: ReturnType<typeof setTimeout> | null = null;
    let pollTimer: ReturnType<typeof setInterval> | null = null;
    let source: EventSource | null = null;

    const load = () => {
      inflight?.abort();
      const ctrl = new AbortController();
      inflight = ctrl;
      sinceFetch = [];
      api
        .seats(tripId, { from, to }, { signal: ctrl.signal })
        .then(({ data: fresh, headers, receivedAt }) => {
          if (disposed || ctrl.signal.aborted) return;
          // Events that arrived while the request was in flight may be newer than the answer.
          const { map: merged } = applySeatEvents(fresh, sinceFetch ?? [], stopsRef.current);
          sinceFetch = null;
          setMap(merged);
          setAsOf(receivedAt - ageOnArrival(fresh, headers));
          setError(null);
        })
        .catch((err: unknown) => {
          if (!disposed && !ctrl.signal.aborted) setError(err);
        });
    };
    const scheduleReload = () => {
      if (reloadTimer) return;
      reloadTimer = setTimeout(() => {
        reloadTimer = null;
        load();
      }, reloadDebounceMs);
    };
    reloadRef.current = load;

    const flush = () => {
      flushTimer = null;
      const events = buffer;
      buffer = [];
      sinceFetch?.push(...events);
      let reload = false;
      setMap((current) => {
        if (!current) return current;
        const result = applySeatEvents(current, events, stopsRef.current);
        reload = result.needsReload;
        return result.map;
      });
      // The stream is open and has just told us what changed: the map is current as of now.
      if (events.length > 0) setAsOf((prev) => (prev === undefined ? prev : Math.max(prev, Date.now())));
      if (reload || events.some((e) => e.status === 'available')) scheduleReload();
    };

    const startPolling = () => {
      if (pollTimer) return;
      pollTimer = setInterval(() => {
        if (typeof document === 'undefined' || !document.hidden) load();
      }, pollMs);
    };
    const stopPolling = () => {
      if (pollTimer) clearInterval(pollTimer);
      pollTimer = null;
    };

    load();
    const makeSource = sourceRef.current;
    if (makeSource) {
      try {
        source = makeSource(api.seatEventsUrl(tripId));
        source.onopen = () => {
          setLive(true);
          stopPolling();
          load(); // catch up on anything missed before or between connections
        };
        // The service sends `event: seats` with an array (already coalesced over ~200 ms); a plain
        // message with one event is accepted too.
        const onEvents = (msg: MessageEvent<string>) => {
          try {
            const data = JSON.parse(msg.data) as SeatEvent | SeatEvent[];
            buffer.push(...(Array.isArray(data) ? data : [data]));
          } catch {
            return; // not seat events
          }
          flushTimer ??= setTimeout(flush, flushMs);
        };
        source.addEventListener('seats', onEvents as EventListener);
        source.onmessage = onEvents;
        source.onerror = () => {
          // EventSource reconnects by itself; meanwhile keep the map fresh by polling.
          setLive(false);
          startPolling();
        };
      } catch {
        startPolling();
      }
    } else {
      startPolling();
    }

    return () => {
      disposed = true;
      inflight?.abort();
      source?.close();
      stopPolling();
      if (flushTimer) clearTimeout(flushTimer);
      if (reloadTimer) clearTimeout(reloadTimer);
    };
  }, [api, tripId, from, to, pollMs, flushMs, reloadDebounceMs]);

  const refresh = useCallback(() => reloadRef.current(), []);
  return { map, error, live, asOf, refresh };
}
