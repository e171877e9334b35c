/** Cached catalog reads (stations, trip details): they never change during a visit, so fetch each once. */
import { useEffect, useState } from 'react';
import type { Api } from '../api/endpoints.js';
import { rememberTripDate } from '../api/queue-pass.js';
import type { Station, TripDetail } from '../api/types.js';

let stationsPromise: Promise<Station[]> | null = null;
const trips = new Map<number, Promise<TripDetail>>();

export function loadStations(api: Api): Promise<Station[]> {
  stationsPromise ??= api.stations().then(
    (r) => r.stations,
    (err: unknown) => {
      stationsPromise = null;
      throw err;
    },
  );
  return stationsPromise;
}

export function loadTrip(api: Api, tripId: number): Promise<TripDetail> {
  let p = trips.get(tripId);
  if (!p) {
    p = api.trip(tripId).then((t) => {
      rememberTripDate(t.tripId, t.date); // which sale (and queue pass) the trip belongs to
      return t;
    });
    p.catch(() => trips.delete(tripId));
    trips.set(tripId, p);
  }
  return p;
}

export function useStations(api: Api): Station[] {
  const [stations, setStations] = useState<Station[]>([]);
  useEffect(() => {
    let live = true;
    loadStations(api)
      .then((s) => live && setStations(s))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api]);
  return stations;
}

export function useTrip(api: Api, tripId: number | undefined): TripDetail | undefined {
  const [trip, setTrip] = useState<TripDetail>();
  useEffect(() => {
    if (!tripId) return;
    let live = true;
    loadTrip(api, tripId)
      .then((t) => live && setTrip(t))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [api, tripId]);
  return trip;
}

export const stationName = (stations: Station[], code: string) => stations.find((s) => s.code === code)?.name ?? code;

/** Today's date in Asia/Dhaka (where the railway sells), as YYYY-MM-DD, plus `days`. */
export function dhakaDate(days = 0, now = Date.now()): string {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Dhaka',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export const SALES_WINDOW_DAYS = 10;
