/**
 * Loads the catalog (stations, routes, fares, trains, coaches, seats) and publishes trips for the sales
 * window. Idempotent: rows that exist are left exactly as they are, so a re-run changes nothing and a run
 * on a later day only adds the new days' trips.
 */
import { withTransaction, type Pool, type PoolClient } from '@rail/db';
import { seatPlan } from '../domain/seat-layout.js';
import * as data from '../db/seed-data.js';
import { publishTrips, type PublishedTrips } from './publish-trips.js';

export interface SeedOptions {
  now: Date;
  salesWindowDays: number;
}

/** Coach ids are train id x 100 + position; seat ids are coach id x 100 + seat number. */
export const coachId = (trainId: number, position: number) => trainId * 100 + position;
export const seatId = (coach: number, number: number) => coach * 100 + number;

async function insertCatalog(client: PoolClient): Promise<void> {
  // One seed at a time; a concurrent run waits and then finds everything in place.
  await client.query(`SELECT pg_advisory_xact_lock(hashtext('train.seed'))`);
  const stationId = new Map(data.stations.map((s) => [s.code, s.id]));
  await client.query(
    `INSERT INTO stations (id, code, name, aliases)
     SELECT id, code, name, string_to_array(aliases, '|')
     FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS s(id, code, name, aliases)
     ON CONFLICT DO NOTHING`,
    [
      data.stations.map((s) => s.id),
      data.stations.map((s) => s.code),
      data.stations.map((s) => s.name),
      data.stations.map((s) => (s.aliases ?? []).join('|')),
    ],
  );
  await client.query(
    `INSERT INTO routes (id, code, name) SELECT * FROM unnest($1::int[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING`,
    [data.routes.map((r) => r.id), data.routes.map((r) => r.code), data.routes.map((r) => r.name)],
  );
  const stops = data.routes.flatMap((r) =>
    r.stops.map(([code, km, arrival, departure], seq) => {
      const station = stationId.get(code);
      if (station === undefined) throw new Error(`route ${r.code} stops at unknown station ${code}`);
      return [r.id, seq, station, km, arrival, departure] as const;
    }),
  );
  await client.query(
    `INSERT INTO route_stops (route_id, seq, station_id, distance_km, arrival_offset_min, departure_offset_min)
     SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::int[], $5::int[], $6::int[]) ON CONFLICT DO NOTHING`,
    [0, 1, 2, 3, 4, 5].map((i) => stops.map((s) => s[i])),
  );
  await client.query(
    `INSERT INTO fares (class, base_paisa, per_km_paisa, minimum_taka)
     SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::int[]) ON CONFLICT DO NOTHING`,
    [
      data.fares.map((f) => f.class),
      data.fares.map((f) => f.basePaisa),
      data.fares.map((f) => f.perKmPaisa),
      data.fares.map((f) => f.minimumTaka),
    ],
  );
  const routeId = new Map(data.routes.map((r) => [r.code, r.id]));
  await client.query(
    `INSERT INTO trains (id, number, name, route_id, direction, departure_time)
     SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::text[], $6::time[]) ON CONFLICT DO NOTHING`,
    [
      data.trains.map((t) => t.id),
      data.trains.map((t) => t.number),
      data.trains.map((t) => t.name),
      data.trains.map((t) => {
        const id = routeId.get(t.route);
        if (id === undefined) throw new Error(`train ${t.number} runs on unknown route ${t.route}`);
        return id;
      }),
      data.trains.map((t) => t.direction),
      data.trains.map((t) => t.departure),
    ],
  );
  const coaches = data.trains.flatMap((t) =>
    t.coaches.map(([code, cls], i) => ({ id: coachId(t.id, i + 1), trainId: t.id, code, cls, position: i + 1 })),
  );
  await client.query(
    `INSERT INTO coaches (id, train_id, code, class, position)
     SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::int[]) ON CONFLICT DO NOTHING`,
    [
      coaches.map((c) => c.id),
      coaches.map((c) => c.trainId),
      coaches.map((c) => c.code),
      coaches.map((c) => c.cls),
      coaches.map((c) => c.position),
    ],
  );
  const plan = seatPlan(data.SEATS_PER_COACH);
  const seats = coaches.flatMap((c) =>
    plan.map((p) => ({ id: seatId(c.id, p.number), coachId: c.id, label: `${c.code}-${p.number}`, ...p })),
  );
  await client.query(
    `INSERT INTO seats (id, coach_id, label, row, col, position)
     SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::int[], $5::int[], $6::text[]) ON CONFLICT DO NOTHING`,
    [
      seats.map((s) => s.id),
      seats.map((s) => s.coachId),
      seats.map((s) => s.label),
      seats.map((s) => s.row),
      seats.map((s) => s.column),
      seats.map((s) => s.position),
    ],
  );
}

export async function seedCatalog(pool: Pool, options: SeedOptions): Promise<PublishedTrips> {
  await withTransaction(pool, insertCatalog);
  return publishTrips(pool, options);
}
