/**
 * The booking service's HTTP contract: the public API under /api/bookings (seat select, confirm, OTP,
 * reads, release), the live seat events, and the internal booking lookup the payment service uses.
 * Availability for the train service lives in train-internal.ts.
 */
import { Type, type Static } from '@sinclair/typebox';
import { IsoDateTime, Money, SeatClass, SeatId, StationCode, TripId, Uuid } from './common.js';

/** The railway's rule: at most this many seats per user per trip, across active holds and bookings. */
export const MAX_SEATS_PER_USER = 4;

export const BookingStatus = Type.Union(
  [
    Type.Literal('HELD'),
    Type.Literal('PENDING_PAYMENT'),
    Type.Literal('CONFIRMED'),
    Type.Literal('EXPIRED'),
    Type.Literal('CANCELLED'),
  ],
  { $id: 'BookingStatus' },
);
export type BookingStatus = Static<typeof BookingStatus>;

export const BookingIdParams = Type.Object({ id: Uuid });
export type BookingIdParams = Static<typeof BookingIdParams>;

export const TripIdParams = Type.Object({ tripId: TripId });

export const SelectSeatsBody = Type.Object(
  {
    tripId: TripId,
    seatIds: Type.Array(SeatId, { minItems: 1, maxItems: MAX_SEATS_PER_USER, uniqueItems: true }),
    from: Type.Optional(StationCode),
    to: Type.Optional(StationCode),
  },
  { additionalProperties: false },
);
export type SelectSeatsBody = Static<typeof SelectSeatsBody>;

export const BookedSeat = Type.Object({ seatId: SeatId, label: Type.String(), coach: Type.String(), class: SeatClass });
export type BookedSeat = Static<typeof BookedSeat>;

export const SelectSeatsResponse = Type.Object({
  bookingId: Uuid,
  status: Type.Literal('HELD'),
  expiresAt: IsoDateTime,
  tripId: TripId,
  from: StationCode,
  to: StationCode,
  seats: Type.Array(BookedSeat),
  amount: Money,
  currency: Type.Literal('BDT'),
});
export type SelectSeatsResponse = Static<typeof SelectSeatsResponse>;

export const Passenger = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    age: Type.Optional(Type.Integer({ minimum: 0, maximum: 120 })),
    gender: Type.Optional(Type.Union([Type.Literal('male'), Type.Literal('female'), Type.Literal('other')])),
  },
  { additionalProperties: false },
);
export type Passenger = Static<typeof Passenger>;

export const ConfirmSeatsBody = Type.Object(
  {
    bookingId: Uuid,
    passengers: Type.Array(Passenger, { minItems: 1, maxItems: MAX_SEATS_PER_USER }),
  },
  { additionalProperties: false },
);
export type ConfirmSeatsBody = Static<typeof ConfirmSeatsBody>;

export const ConfirmSeatsResponse = Type.Object({
  bookingId: Uuid,
  status: Type.Literal('HELD'),
  expiresAt: IsoDateTime,
  /** The phone the OTP went to, masked, e.g. +88017*****678. */
  otpSentTo: Type.String(),
  /** Only when OTP_DEV_ECHO=true (never in production). */
  devOtp: Type.Optional(Type.String({ pattern: '^\\d{6}$' })),
});
export type ConfirmSeatsResponse = Static<typeof ConfirmSeatsResponse>;

export const VerifyOtpBody = Type.Object({ otp: Type.String({ pattern: '^\\d{6}$' }) }, { additionalProperties: false });
export type VerifyOtpBody = Static<typeof VerifyOtpBody>;

export const VerifyOtpResponse = Type.Object({
  bookingId: Uuid,
  status: Type.Literal('PENDING_PAYMENT'),
  expiresAt: IsoDateTime,
  amount: Money,
  currency: Type.Literal('BDT'),
});
export type VerifyOtpResponse = Static<typeof VerifyOtpResponse>;

export const BookingView = Type.Object(
  {
    bookingId: Uuid,
    status: BookingStatus,
    tripId: TripId,
    from: StationCode,
    to: StationCode,
    seats: Type.Array(BookedSeat),
    passengers: Type.Array(Passenger),
    amount: Money,
    currency: Type.Literal('BDT'),
    expiresAt: Type.Union([IsoDateTime, Type.Null()]),
    reference: Type.Union([Type.String(), Type.Null()]),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  },
  { $id: 'BookingView' },
);
export type BookingView = Static<typeof BookingView>;

export const ListBookingsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 50, default: 20 }),
  /** Opaque cursor from a previous page's nextCursor. */
  cursor: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,200}$' })),
});
export type ListBookingsQuery = Static<typeof ListBookingsQuery>;

export const BookingList = Type.Object({
  items: Type.Array(BookingView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});
export type BookingList = Static<typeof BookingList>;

export const ReleaseBookingResponse = Type.Object({ bookingId: Uuid, status: BookingStatus });
export type ReleaseBookingResponse = Static<typeof ReleaseBookingResponse>;

/** GET /internal/bookings/:id: what the payment service needs to charge for a booking. */
export const InternalBooking = Type.Object({
  bookingId: Uuid,
  userId: Type.String(),
  status: BookingStatus,
  amount: Money,
  currency: Type.Literal('BDT'),
  expiresAt: Type.Union([IsoDateTime, Type.Null()]),
  tripId: TripId,
});
export type InternalBooking = Static<typeof InternalBooking>;

/**
 * One change of seat state, as published on the Redis channel `<prefix>{trip:N}:seat-events` and relayed
 * to browsers by GET /api/bookings/trips/:tripId/seat-events (SSE `event: seats`, data = array of these,
 * coalesced over ~200 ms).
 */
export const SeatEvent = Type.Object({
  tripId: TripId,
  seatIds: Type.Array(SeatId),
  status: Type.Union([Type.Literal('held'), Type.Literal('booked'), Type.Literal('available')]),
  from: StationCode,
  to: StationCode,
});
export type SeatEvent = Static<typeof SeatEvent>;
