/** Read queries over the catalog tables. Rows come back in the shapes the domain uses. */
import type { SeatClass } from '@rail/contracts/common';
import type { Queryable } from '@rail/db';
import type { FareRule } from '../domain/fares.js';
import type { Direction, RouteStop } from '../domain/stops.js';

export interface StationRow {
  id: number;
  code: string;
  name: string;
  aliases: string[];
}

export async function listStations(db: Queryable): Promise<StationRow[]> {
  const { rows } = await db.query<StationRow>('SELECT id, code, name, aliases FROM stations ORDER BY name');
  return rows;
}

export async function listFareRules(db: Queryable): Promise<FareRule[]> {
  const { rows } = await db.query<FareRule>(
    `SELECT class, base_paisa AS "basePaisa", per_km_paisa AS "perKmPaisa", minimum_taka AS "minimumTaka" FROM fares`,
  );
  return rows;
}

export interface TripRow {
  tripId: number;
  trainId: number;
  date: string;
}

export async function findTrip(db: Queryable, tripId: number): Promise<TripRow | null> {
  const { rows } = await db.query<TripRow>(
    `SELECT id AS "tripId", train_id AS "trainId", to_char(service_date, 'YYYY-MM-DD') AS date FROM trips WHERE id = $1`,
    [tripId],
  );
  return rows[0] ?? null;
}

/** Every trip of a service date (the date its train leaves its origin), by id. */
export async function findTripsOn(db: Queryable, date: string): Promise<TripRow[]> {
  const { rows } = await db.query<TripRow>(
    `SELECT id AS "tripId", train_id AS "trainId", to_char(service_date, 'YYYY-MM-DD') AS date
     FROM trips WHERE service_date = $1::date ORDER BY id`,
    [date],
  );
  return rows;
}

export interface TrainRow {
  trainId: number;
  number: string;
  name: string;
  direction: Direction;
  departureTime: string;
  route: RouteStop[];
}

export interface CoachRow {
  coachId: number;
  code: string;
  class: SeatClass;
  seats: { seatId: number; label: string; row: number; column: number; position: 'window' | 'aisle' }[];
}

export async function findTrain(db: Queryable, trainId: number): Promise<{ train: TrainRow; coaches: CoachRow[] } | null> {
  const trains = await db.query<Omit<TrainRow, 'route'> & { routeId: number }>(
    `SELECT id AS "trainId", number, name, direction, to_char(departure_time, 'HH24:MI') AS "departureTime", route_id AS "routeId"
     FROM trains WHERE id = $1`,
    [trainId],
  );
  const row = trains.rows[0];
  if (!row) return null;
  const [route, coaches] = await Promise.all([
    db.query<RouteStop>(
      `SELECT s.code, s.name, rs.distance_km AS "distanceKm", rs.arrival_offset_min AS "arrivalOffsetMin",
              rs.departure_offset_min AS "departureOffsetMin"
       FROM route_stops rs JOIN stations s ON s.id = rs.station_id WHERE rs.route_id = $1 ORDER BY rs.seq`,
      [row.routeId],
    ),
    db.query<CoachRow>(
      `SELECT c.id AS "coachId", c.code, c.class,
              coalesce(json_agg(json_build_object('seatId', s.id, 'label', s.label, 'row', s.row, 'column', s.col,
                                                  'position', s.position) ORDER BY s.row, s.col)
                       FILTER (WHERE s.id IS NOT NULL), '[]') AS seats
       FROM coaches c LEFT JOIN seats s ON s.coach_id = c.id WHERE c.train_id = $1 GROUP BY c.id ORDER BY c.position`,
      [trainId],
    ),
  ]);
  const { routeId: _routeId, ...train } = row;
  return { train: { ...train, route: route.rows }, coaches: coaches.rows };
}

/**
 * Trips on the given service dates whose train calls at `fromId` before `toId` (in its direction of
 * travel). Uses only the route, so it stays one indexed query whatever the timetable.
 */
export async function findTripsServing(db: Queryable, fromId: number, toId: number, dates: string[]): Promise<TripRow[]> {
  const { rows } = await db.query<TripRow>(
    `SELECT t.id AS "tripId", t.train_id AS "trainId", to_char(t.service_date, 'YYYY-MM-DD') AS date
     FROM trips t
     JOIN trains tr ON tr.id = t.train_id
     JOIN route_stops a ON a.route_id = tr.route_id AND a.station_id = $1
     JOIN route_stops b ON b.route_id = tr.route_id AND b.station_id = $2
     WHERE t.service_date = ANY($3::date[])
       AND CASE tr.direction WHEN 'DOWN' THEN a.seq < b.seq ELSE a.seq > b.seq END
     ORDER BY t.id`,
    [fromId, toId, dates],
  );
  return rows;
}

/** Whether any train at all runs from `fromId` to `toId`, on any day. */
export async function anyTrainServes(db: Queryable, fromId: number, toId: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `SELECT 1 FROM trains tr
     JOIN route_stops a ON a.route_id = tr.route_id AND a.station_id = $1
     JOIN route_stops b ON b.route_id = tr.route_id AND b.station_id = $2
     WHERE CASE tr.direction WHEN 'DOWN' THEN a.seq < b.seq ELSE a.seq > b.seq END
     LIMIT 1`,
    [fromId, toId],
  );
  return (rowCount ?? 0) > 0;
}
