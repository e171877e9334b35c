/**
 * The catalog as the use-cases see it: stations (shared cache, a moment), and trips with their timed stops,
 * coaches, seats and fare matrices. A trip's layout never changes once published, so trip views are kept
 * in process memory and built from the database once per process.
 */
import type { SeatClass } from '@rail/contracts/common';
import type { Pool } from '@rail/db';
import { createCache } from '@rail/cache';
import type { SharedCache } from './cache/shared-cache.js';
import * as queries from './db/catalog-queries.js';
import { fareMatrix, type FareRule } from './domain/fares.js';
import { timedStops, trainStops, type TimedStop, type TrainStop } from './domain/stops.js';

export interface SeatView {
  seatId: number;
  label: string;
  row: number;
  column: number;
  position: 'window' | 'aisle';
}

export interface CoachView {
  coachId: number;
  code: string;
  class: SeatClass;
  seats: SeatView[];
}

export interface TrainView {
  trainId: number;
  number: string;
  name: string;
  departureTime: string;
  stops: TrainStop[];
  coaches: CoachView[];
  /** Classes carried, in coach order, with their seat counts. */
  classes: { class: SeatClass; seatsTotal: number }[];
  seatClass: Map<number, SeatClass>;
  /** fares[class][i][j] over this train's stops. */
  fares: Record<string, number[][]>;
}

export interface TripView {
  tripId: number;
  date: string;
  train: TrainView;
  stops: TimedStop[];
}

export interface Catalog {
  stations(): Promise<queries.StationRow[]>;
  trip(tripId: number): Promise<TripView | null>;
  tripsServing(fromId: number, toId: number, dates: string[]): Promise<TripView[]>;
  /** Every trip leaving its origin on `date` (a sale's trips). */
  tripsOn(date: string): Promise<TripView[]>;
  anyTrainServes(fromId: number, toId: number): Promise<boolean>;
}

export interface CatalogOptions {
  pool: Pool;
  cache: SharedCache;
  /** TTL of cached station lists and searches in Redis. */
  searchCacheTtlMs: number;
}

const CLASS_ORDER: SeatClass[] = ['SHOVAN', 'S_CHAIR', 'SNIGDHA', 'AC_S'];

function buildTrain(row: queries.TrainRow, coaches: queries.CoachRow[], rules: FareRule[]): TrainView {
  const stops = trainStops(row.route, row.direction);
  const classes: TrainView['classes'] = [];
  const seatClass = new Map<number, SeatClass>();
  for (const coach of coaches) {
    let entry = classes.find((c) => c.class === coach.class);
    if (!entry) classes.push((entry = { class: coach.class, seatsTotal: 0 }));
    entry.seatsTotal += coach.seats.length;
    for (const seat of coach.seats) seatClass.set(seat.seatId, coach.class);
  }
  classes.sort((a, b) => CLASS_ORDER.indexOf(a.class) - CLASS_ORDER.indexOf(b.class));
  const distances = stops.map((s) => s.distanceKm);
  const fares: Record<string, number[][]> = {};
  for (const { class: cls } of classes) {
    const rule = rules.find((r) => r.class === cls);
    if (!rule) throw new Error(`no fare rule for class ${cls}`);
    fares[cls] = fareMatrix(rule, distances);
  }
  return {
    trainId: row.trainId,
    number: row.number,
    name: row.name,
    departureTime: row.departureTime,
    stops,
    coaches,
    classes,
    seatClass,
    fares,
  };
}

export function createCatalog({ pool, cache, searchCacheTtlMs }: CatalogOptions): Catalog {
  // Layouts never change once published: kept without a TTL; a missing one is asked for again next time.
  const trains = createCache<number, TrainView, () => Promise<TrainView | null>>({
    max: 1_000,
    load: (_id, { context }) => context(),
  });
  const trips = createCache<number, TripView, () => Promise<TripView | null>>({
    max: 20_000,
    load: (_id, { context }) => context(),
  });
  let fareRules: Promise<FareRule[]> | undefined;

  const rules = () => {
    fareRules ??= queries.listFareRules(pool).catch((err: unknown) => {
      fareRules = undefined;
      throw err;
    });
    return fareRules;
  };

  const train = (trainId: number) =>
    trains.get(trainId, async () => {
      const [found, fareRows] = await Promise.all([queries.findTrain(pool, trainId), rules()]);
      return found ? buildTrain(found.train, found.coaches, fareRows) : null;
    });

  const buildView = async (row: queries.TripRow): Promise<TripView | null> => {
    const t = await train(row.trainId);
    return t ? { tripId: row.tripId, date: row.date, train: t, stops: timedStops(t.stops, row.date, t.departureTime) } : null;
  };
  const view = (row: queries.TripRow) => trips.get(row.tripId, () => buildView(row));

  return {
    stations: () => cache.getOrLoad('stations', searchCacheTtlMs, () => queries.listStations(pool)),
    trip: (tripId) =>
      trips.get(tripId, async () => {
        const row = await queries.findTrip(pool, tripId);
        return row ? buildView(row) : null;
      }),
    async tripsServing(fromId, toId, dates) {
      const rows = await queries.findTripsServing(pool, fromId, toId, dates);
      const views = await Promise.all(rows.map(view));
      return views.filter((v): v is TripView => v !== null);
    },
    async tripsOn(date) {
      const views = await Promise.all((await queries.findTripsOn(pool, date)).map(view));
      return views.filter((v): v is TripView => v !== null);
    },
    anyTrainServes: (fromId, toId) => queries.anyTrainServes(pool, fromId, toId),
  };
}
