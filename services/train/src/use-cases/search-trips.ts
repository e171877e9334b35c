/**
 * Search: trips whose train calls at `from` and later at `to`, departing `from` on the given Dhaka date,
 * with the fare per class for that segment and live seat counts. The catalog part of the answer is cached
 * in Redis for a moment; seat counts come from the booking service (cached ~1 s); when it does not answer
 * they are its last answer (availability "stale") or, with nothing recent, null ("unknown"), so search keeps
 * working while booking is slow or down.
 */
import { ValidationError } from '@rail/errors';
import type { SearchQuery, SearchResponse, SearchTrip } from '@rail/contracts/train';
import { isIsoDate } from '@rail/contracts/formats';
import type { UseCaseDeps } from '../deps.js';
import type { SeatClass } from '@rail/contracts/common';
import { addDays, dateOf, inWindow, salesWindow } from '../domain/dhaka-time.js';
import { matchStation } from '../domain/station-match.js';
import { segmentDistance, segmentOf } from '../domain/stops.js';

type StaticTrip = Omit<SearchTrip, 'availability' | 'classes'> & {
  classes: { class: SeatClass; fare: number; seatsTotal: number }[];
};

interface StaticSearch {
  served: boolean;
  trips: StaticTrip[];
}

async function staticSearch(deps: UseCaseDeps, fromId: number, toId: number, from: string, to: string, date: string) {
  // A train leaving its origin the evening before can reach `from` after midnight, on `date`.
  const views = await deps.catalog.tripsServing(fromId, toId, [addDays(date, -1), date]);
  const trips: StaticTrip[] = [];
  for (const view of views) {
    const segment = segmentOf(view.stops, from, to);
    if (!segment) continue;
    const board = view.stops[segment.fromIndex]!;
    const alight = view.stops[segment.toIndex]!;
    if (board.departure === null || alight.arrival === null || dateOf(board.departure) !== date) continue;
    trips.push({
      tripId: view.tripId,
      trainName: view.train.name,
      trainNumber: view.train.number,
      date: view.date,
      from: { code: board.code, name: board.name, departure: board.departure },
      to: { code: alight.code, name: alight.name, arrival: alight.arrival },
      distanceKm: segmentDistance(view.stops, segment),
      durationMinutes: Math.round((Date.parse(alight.arrival) - Date.parse(board.departure)) / 60_000),
      classes: view.train.classes.map((c) => ({
        class: c.class,
        fare: view.train.fares[c.class]![segment.fromIndex]![segment.toIndex]!,
        seatsTotal: c.seatsTotal,
      })),
    });
  }
  trips.sort((a, b) => a.from.departure.localeCompare(b.from.departure) || a.tripId - b.tripId);
  const served = trips.length > 0 || (await deps.catalog.anyTrainServes(fromId, toId));
  return { served, trips } satisfies StaticSearch;
}

export async function searchTrips(deps: UseCaseDeps, query: SearchQuery): Promise<SearchResponse> {
  if (!isIsoDate(query.date)) throw ValidationError.field('query.date', `${query.date} is not a calendar date`);
  const window = salesWindow(deps.now(), deps.salesWindowDays);
  if (!inWindow(window, query.date)) {
    throw ValidationError.field(
      'query.date',
      `Tickets are on sale from ${window.first} to ${window.last} (Asia/Dhaka); ${query.date} is outside the sales window`,
      'OUTSIDE_SALES_WINDOW',
    );
  }
  const stations = await deps.catalog.stations();
  const from = matchStation(stations, query.from);
  if (!from) throw ValidationError.field('query.from', `Unknown station "${query.from}"`, 'UNKNOWN_STATION');
  const to = matchStation(stations, query.to);
  if (!to) throw ValidationError.field('query.to', `Unknown station "${query.to}"`, 'UNKNOWN_STATION');
  if (from.id === to.id) throw ValidationError.field('query.to', 'from and to must be different stations', 'SAME_STATION');

  const found = await deps.cache.getOrLoad(`search:${from.code}:${to.code}:${query.date}`, deps.searchCacheTtlMs, () =>
    staticSearch(deps, from.id, to.id, from.code, to.code, query.date),
  );
  if (!found.served) {
    throw ValidationError.field('query.to', `No train runs from ${from.name} to ${to.name}`, 'NO_ROUTE');
  }

  const statuses = await deps.availability.lookup(found.trips.map((t) => ({ tripId: t.tripId, from: from.code, to: to.code })));
  const trips = await Promise.all(
    found.trips.map(async (trip, i): Promise<SearchTrip> => {
      const status = statuses[i];
      const view = status ? await deps.catalog.trip(trip.tripId) : null;
      if (!status || !view) {
        return { ...trip, availability: 'unknown', classes: trip.classes.map((c) => ({ ...c, seatsAvailable: null })) };
      }
      const taken = new Map<SeatClass, number>();
      for (const seatId of new Set([...status.held, ...status.booked])) {
        const cls = view.train.seatClass.get(seatId);
        if (cls) taken.set(cls, (taken.get(cls) ?? 0) + 1);
      }
      return {
        ...trip,
        availability: status.stale ? 'stale' : 'live',
        classes: trip.classes.map((c) => ({ ...c, seatsAvailable: Math.max(0, c.seatsTotal - (taken.get(c.class) ?? 0)) })),
      };
    }),
  );
  return { from: { code: from.code, name: from.name }, to: { code: to.code, name: to.name }, date: query.date, trips };
}
