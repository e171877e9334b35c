/**
 * Service-to-service contracts between train (catalog) and booking (inventory). Not exposed by the gateway
 * (the gateway refuses /internal/ paths).
 *
 * - booking reads a trip's sellable inventory from train:  GET {TRAIN_SERVICE_URL}/internal/trips/:tripId/inventory
 *   (immutable for a trip once published: booking caches it in memory/Redis).
 * - train reads live seat status from booking:              POST {BOOKING_SERVICE_URL}/internal/availability
 */
import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, IsoDateTime, SeatClass, SeatId, StationCode, TripId } from './common.js';

export const TripInventory = Type.Object(
  {
    tripId: TripId,
    date: IsoDate,
    trainNumber: Type.String(),
    trainName: Type.String(),
    /** Ordered stops; leg i runs from stops[i] to stops[i+1]. A booking covers legs [fromIndex, toIndex). */
    stops: Type.Array(
      Type.Object({
        code: StationCode,
        name: Type.String(),
        arrival: Type.Union([IsoDateTime, Type.Null()]),
        departure: Type.Union([IsoDateTime, Type.Null()]),
        distanceKm: Type.Number({ minimum: 0 }),
      }),
      { minItems: 2 },
    ),
    coaches: Type.Array(
      Type.Object({
        coachId: Type.Integer({ minimum: 1 }),
        code: Type.String({ description: 'Coach code as printed, e.g. KA, KHA, GA' }),
        class: SeatClass,
        seats: Type.Array(Type.Object({ seatId: SeatId, label: Type.String(), row: Type.Integer(), column: Type.Integer() })),
      }),
    ),
    /**
     * fares[class][i][j]: fare in BDT for one seat of that class from stops[i] to stops[j] (i < j).
     * Entries with i >= j are 0.
     */
    fares: Type.Record(Type.String(), Type.Array(Type.Array(Type.Integer({ minimum: 0 })))),
  },
  { $id: 'TripInventory' },
);
export type TripInventory = Static<typeof TripInventory>;

export const AvailabilityQuery = Type.Object({
  queries: Type.Array(Type.Object({ tripId: TripId, from: StationCode, to: StationCode }), { minItems: 1, maxItems: 200 }),
});
export type AvailabilityQuery = Static<typeof AvailabilityQuery>;

export const AvailabilityResult = Type.Object({
  results: Type.Array(
    Type.Object({
      tripId: TripId,
      from: StationCode,
      to: StationCode,
      /** Seats with an active hold overlapping [from, to). */
      held: Type.Array(SeatId),
      /** Seats with a confirmed/pending booking overlapping [from, to). */
      booked: Type.Array(SeatId),
    }),
  ),
});
export type AvailabilityResult = Static<typeof AvailabilityResult>;
