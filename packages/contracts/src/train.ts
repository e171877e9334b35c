/**
 * Public API of the train (catalog) service, served under /api/trains: stations, search, trip details
 * and seat maps. One schema per request/response, used for validation, types and the OpenAPI document.
 */
import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, IsoDateTime, Money, SeatClass, SeatId, SeatStatus, StationCode, TripId } from './common.js';

export const Station = Type.Object({ code: StationCode, name: Type.String() });
export type Station = Static<typeof Station>;

export const StationsResponse = Type.Object({ stations: Type.Array(Station) });
export type StationsResponse = Static<typeof StationsResponse>;

/** A station given by its code or its name, case-insensitive (`DHK`, `dhaka`, `Biman Bandar`). */
const StationQuery = Type.String({ minLength: 1, maxLength: 64, description: 'Station code or name, case-insensitive' });

export const SearchQuery = Type.Object(
  { from: StationQuery, to: StationQuery, date: Type.String({ ...IsoDate, format: 'date' }) },
  { additionalProperties: false },
);
export type SearchQuery = Static<typeof SearchQuery>;

/**
 * `live`: seat counts come from the booking service; `stale`: it did not answer in time, so the counts are
 * its last answer of up to AVAILABILITY_STALE_MAX_MS ago; `unknown`: nothing recent is known, counts are null.
 */
export const Availability = Type.Union([Type.Literal('live'), Type.Literal('stale'), Type.Literal('unknown')]);
export type Availability = Static<typeof Availability>;

export const SearchTrip = Type.Object({
  tripId: TripId,
  trainName: Type.String(),
  trainNumber: Type.String(),
  /** The trip's service date: the day the train leaves its origin (Asia/Dhaka). */
  date: IsoDate,
  from: Type.Object({ code: StationCode, name: Type.String(), departure: IsoDateTime }),
  to: Type.Object({ code: StationCode, name: Type.String(), arrival: IsoDateTime }),
  distanceKm: Type.Number({ minimum: 0 }),
  durationMinutes: Type.Integer({ minimum: 0 }),
  availability: Availability,
  classes: Type.Array(
    Type.Object({
      class: SeatClass,
      fare: Money,
      seatsTotal: Type.Integer({ minimum: 0 }),
      seatsAvailable: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
    }),
  ),
});
export type SearchTrip = Static<typeof SearchTrip>;

export const SearchResponse = Type.Object({
  from: Station,
  to: Station,
  /** The travel date searched: trips whose departure from `from` falls on this date (Asia/Dhaka). */
  date: IsoDate,
  trips: Type.Array(SearchTrip),
});
export type SearchResponse = Static<typeof SearchResponse>;

export const TripParams = Type.Object({ tripId: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }) });
export type TripParams = Static<typeof TripParams>;

export const TripStop = Type.Object({
  code: StationCode,
  name: Type.String(),
  arrival: Type.Union([IsoDateTime, Type.Null()]),
  departure: Type.Union([IsoDateTime, Type.Null()]),
  distanceKm: Type.Number({ minimum: 0 }),
});

export const TripDetail = Type.Object({
  tripId: TripId,
  date: IsoDate,
  trainNumber: Type.String(),
  trainName: Type.String(),
  stops: Type.Array(TripStop),
  classes: Type.Array(Type.Object({ class: SeatClass, seatsTotal: Type.Integer({ minimum: 0 }), fare: Money })),
});
export type TripDetail = Static<typeof TripDetail>;

export const SeatMapQuery = Type.Object(
  { from: Type.Optional(StationQuery), to: Type.Optional(StationQuery) },
  { additionalProperties: false },
);
export type SeatMapQuery = Static<typeof SeatMapQuery>;

export const SeatPosition = Type.Union([Type.Literal('window'), Type.Literal('aisle')]);

/**
 * Where a seat map's statuses come from: `live` from the booking service just now (cached at most ~1 s);
 * `stale` from its last answer, because it is slow or down right now. The seat select is the authority either
 * way: a seat shown free but taken is refused with 409, and the live seat stream corrects the map.
 */
export const SeatMapAvailability = Type.Union([Type.Literal('live'), Type.Literal('stale')]);
export type SeatMapAvailability = Static<typeof SeatMapAvailability>;

export const SeatMap = Type.Object({
  tripId: TripId,
  from: StationCode,
  to: StationCode,
  /** Always sent by the train service; optional only so older answers and fixtures still type-check. */
  availability: Type.Optional(SeatMapAvailability),
  /** How old the statuses are, in milliseconds (how long ago the booking service gave them). */
  availabilityAgeMs: Type.Optional(Type.Integer({ minimum: 0 })),
  coaches: Type.Array(
    Type.Object({
      coachId: Type.Integer({ minimum: 1 }),
      code: Type.String(),
      class: SeatClass,
      /** Fare of one seat of this coach for the segment from -> to. */
      fare: Money,
      seats: Type.Array(
        Type.Object({
          seatId: SeatId,
          label: Type.String(),
          row: Type.Integer(),
          column: Type.Integer(),
          position: SeatPosition,
          status: SeatStatus,
        }),
      ),
    }),
  ),
});
export type SeatMap = Static<typeof SeatMap>;
