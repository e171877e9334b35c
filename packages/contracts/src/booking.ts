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

/** Choosing specific seats: exactly these seats are held, or none. */
export const SelectSeatIdsBody = Type.Object(
  {
    tripId: TripId,
    seatIds: Type.Array(SeatId, { minItems: 1, maxItems: MAX_SEATS_PER_USER, uniqueItems: true }),
    from: Type.Optional(StationCode),
    to: Type.Optional(StationCode),
  },
  { additionalProperties: false },
);
export type SelectSeatIdsBody = Static<typeof SelectSeatIdsBody>;

export const SeatPreference = Type.Union([Type.Literal('window'), Type.Literal('aisle')]);
export type SeatPreference = Static<typeof SeatPreference>;

/** A coach code as printed (KA, KHA, GA, ...). */
export const CoachCode = Type.String({ minLength: 1, maxLength: 16, pattern: '^\\S+$' });

/**
 * "Pick for me": the hold step itself chooses `count` free seats of the class for the segment. `together`
 * (the default for more than one seat) keeps them side by side in one row or bay, or fails; without it the
 * seats are the nearest free ones. The preference is honoured where it can be; `coach` limits the choice to
 * one coach. All or nothing: 409 NOT_ENOUGH_SEATS with `seatsLeft` when fewer are free.
 */
export const AllocateSeatsBody = Type.Object(
  {
    tripId: TripId,
    from: Type.Optional(StationCode),
    to: Type.Optional(StationCode),
    class: SeatClass,
    count: Type.Integer({ minimum: 1, maximum: MAX_SEATS_PER_USER }),
    together: Type.Optional(Type.Boolean()),
    preference: Type.Optional(SeatPreference),
    coach: Type.Optional(CoachCode),
  },
  { additionalProperties: false },
);
export type AllocateSeatsBody = Static<typeof AllocateSeatsBody>;

/**
 * POST /api/bookings/seats/select: either specific seats or an allocation request; the same 201 for both.
 * A body with `seatIds` is the first form, any other the second. Written as if/then/else rather than anyOf:
 * the services' Ajv removes additional properties, and under anyOf the first branch tried would strip the
 * other form's fields before the second branch is checked.
 */
export const SelectSeatsBody = Type.Unsafe<Static<typeof SelectSeatIdsBody> | Static<typeof AllocateSeatsBody>>({
  type: 'object',
  if: { type: 'object', required: ['seatIds'] },
  then: SelectSeatIdsBody,
  else: AllocateSeatsBody,
});
export type SelectSeatsBody = Static<typeof SelectSeatsBody>;

export function isAllocation(body: SelectSeatsBody): body is AllocateSeatsBody {
  return !('seatIds' in body);
}

/** Extra members of the 409 NOT_ENOUGH_SEATS problem: free seats of that class (and coach) for the segment. */
export const NotEnoughSeatsProblem = Type.Object({
  code: Type.Literal('NOT_ENOUGH_SEATS'),
  seatsLeft: Type.Integer({ minimum: 0 }),
});
export type NotEnoughSeatsProblem = Static<typeof NotEnoughSeatsProblem>;

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
    /** Set when the booking is a waitlist offer (the seats were given to that waitlist entry). */
    waitlistId: Type.Optional(Uuid),
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

/**
 * The waitlist of a sold-out class on a segment. WAITING (in line) -> OFFERED (seats held for the traveller
 * as an ordinary HELD booking with its own payment window) -> BOOKED (paid) | EXPIRED (offer not paid in
 * time; the seats moved on); WAITING -> LEFT (the traveller left) | CLOSED (still waiting at the cut-off
 * before departure). OFFERED -> LEFT releases the offered seats to the next entry.
 */
export const WaitlistStatus = Type.Union(
  [
    Type.Literal('WAITING'),
    Type.Literal('OFFERED'),
    Type.Literal('BOOKED'),
    Type.Literal('EXPIRED'),
    Type.Literal('LEFT'),
    Type.Literal('CLOSED'),
  ],
  { $id: 'WaitlistStatus' },
);
export type WaitlistStatus = Static<typeof WaitlistStatus>;

export const JoinWaitlistBody = Type.Object(
  {
    tripId: TripId,
    from: Type.Optional(StationCode),
    to: Type.Optional(StationCode),
    class: SeatClass,
    count: Type.Integer({ minimum: 1, maximum: MAX_SEATS_PER_USER }),
  },
  { additionalProperties: false },
);
export type JoinWaitlistBody = Static<typeof JoinWaitlistBody>;

export const JoinWaitlistResponse = Type.Object({
  waitlistId: Uuid,
  /** 1 = next in line for this trip, class and segment. */
  position: Type.Integer({ minimum: 1 }),
  status: Type.Literal('WAITING'),
});
export type JoinWaitlistResponse = Static<typeof JoinWaitlistResponse>;

export const WaitlistIdParams = Type.Object({ id: Uuid });
export type WaitlistIdParams = Static<typeof WaitlistIdParams>;

export const WaitlistEntryView = Type.Object(
  {
    waitlistId: Uuid,
    status: WaitlistStatus,
    tripId: TripId,
    from: StationCode,
    to: StationCode,
    class: SeatClass,
    count: Type.Integer({ minimum: 1, maximum: MAX_SEATS_PER_USER }),
    /** Place in line while WAITING (1 = next), else null. */
    position: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    /** The offered booking (GET /api/bookings/:id) once OFFERED. */
    bookingId: Type.Union([Uuid, Type.Null()]),
    /** When an OFFERED entry's hold runs out unpaid. */
    offerExpiresAt: Type.Union([IsoDateTime, Type.Null()]),
    createdAt: IsoDateTime,
    updatedAt: IsoDateTime,
  },
  { $id: 'WaitlistEntryView' },
);
export type WaitlistEntryView = Static<typeof WaitlistEntryView>;

export const WaitlistList = Type.Object({ items: Type.Array(WaitlistEntryView) });
export type WaitlistList = Static<typeof WaitlistList>;

export const LeaveWaitlistResponse = Type.Object({ waitlistId: Uuid, status: WaitlistStatus });
export type LeaveWaitlistResponse = Static<typeof LeaveWaitlistResponse>;

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
