/**
 * Integration events on the one topic exchange. Every event travels in the same envelope and has exactly
 * one data schema here, checked on publish and on consume. Routing key = event type.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { IsoDate, IsoDateTime, Money, SeatClass, SeatId, StationCode, TripId, Uuid } from './common.js';

export const Contact = Type.Object({
  phone: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
});

const TicketSeat = Type.Object({ seatId: SeatId, label: Type.String(), coach: Type.String(), class: SeatClass });
const Passenger = Type.Object({ name: Type.String(), age: Type.Optional(Type.Integer()), gender: Type.Optional(Type.String()) });

export const EventData = {
  'otp.requested': Type.Object({
    requestId: Type.String(),
    phone: Type.String(),
    purpose: Type.Union([Type.Literal('login'), Type.Literal('register'), Type.Literal('booking'), Type.Literal('reset')]),
    /** The code itself: the notification service is the SMS provider's client, so it must carry it. */
    code: Type.String({ pattern: '^\\d{6}$' }),
    expiresAt: IsoDateTime,
    bookingId: Type.Optional(Uuid),
  }),
  'booking.held': Type.Object({
    bookingId: Uuid,
    userId: Type.String(),
    tripId: TripId,
    from: StationCode,
    to: StationCode,
    seatIds: Type.Array(SeatId),
    amount: Money,
    expiresAt: IsoDateTime,
  }),
  'booking.confirmed': Type.Object({
    bookingId: Uuid,
    reference: Type.String(),
    userId: Type.String(),
    contact: Contact,
    tripId: TripId,
    trainName: Type.String(),
    trainNumber: Type.String(),
    date: IsoDate,
    from: StationCode,
    to: StationCode,
    departure: Type.Union([IsoDateTime, Type.Null()]),
    seats: Type.Array(TicketSeat),
    passengers: Type.Array(Passenger),
    amount: Money,
    paymentId: Uuid,
  }),
  'booking.cancelled': Type.Object({
    bookingId: Uuid,
    reference: Type.Union([Type.String(), Type.Null()]),
    userId: Type.String(),
    contact: Contact,
    tripId: TripId,
    seatIds: Type.Array(SeatId),
    reason: Type.String(),
    /** Set when a paid booking is cancelled: the payment service refunds it. */
    paymentId: Type.Union([Uuid, Type.Null()]),
    refundAmount: Money,
  }),
  'booking.expired': Type.Object({
    bookingId: Uuid,
    userId: Type.String(),
    tripId: TripId,
    seatIds: Type.Array(SeatId),
  }),
  /** A traveller joined the waitlist of a sold-out class on a segment. */
  'booking.waitlisted': Type.Object({
    waitlistId: Uuid,
    userId: Type.String(),
    tripId: TripId,
    from: StationCode,
    to: StationCode,
    class: SeatClass,
    count: Type.Integer({ minimum: 1 }),
    position: Type.Integer({ minimum: 1 }),
  }),
  /**
   * Freed seats were given to a waitlist entry: `bookingId` is an ordinary HELD booking that the traveller
   * completes (passengers, OTP, payment) before `expiresAt`, or the seats move on to the next entry.
   */
  'booking.waitlist-offered': Type.Object({
    waitlistId: Uuid,
    bookingId: Uuid,
    userId: Type.String(),
    contact: Contact,
    tripId: TripId,
    trainName: Type.String(),
    trainNumber: Type.String(),
    date: IsoDate,
    from: StationCode,
    to: StationCode,
    class: SeatClass,
    seats: Type.Array(TicketSeat),
    amount: Money,
    expiresAt: IsoDateTime,
  }),
  /**
   * A waitlist entry ended: `booked` (its offer was paid), `offer-expired` (not paid in time; the seats went
   * on), `left` (the traveller left), `cut-off` (still waiting at the cut-off before departure).
   */
  'booking.waitlist-closed': Type.Object({
    waitlistId: Uuid,
    userId: Type.String(),
    contact: Contact,
    tripId: TripId,
    trainName: Type.String(),
    trainNumber: Type.String(),
    date: IsoDate,
    from: StationCode,
    to: StationCode,
    class: SeatClass,
    count: Type.Integer({ minimum: 1 }),
    reason: Type.Union([Type.Literal('booked'), Type.Literal('offer-expired'), Type.Literal('left'), Type.Literal('cut-off')]),
    bookingId: Type.Union([Uuid, Type.Null()]),
  }),
  'payment.succeeded': Type.Object({
    paymentId: Uuid,
    bookingId: Uuid,
    userId: Type.String(),
    amount: Money,
    method: Type.String(),
    providerReference: Type.String(),
  }),
  'payment.failed': Type.Object({
    paymentId: Uuid,
    bookingId: Uuid,
    userId: Type.String(),
    amount: Money,
    reason: Type.String(),
    retryable: Type.Boolean(),
  }),
  'payment.refunded': Type.Object({
    paymentId: Uuid,
    bookingId: Uuid,
    userId: Type.String(),
    amount: Money,
    reason: Type.String(),
    contact: Contact,
  }),
} satisfies Record<string, TSchema>;

export type EventType = keyof typeof EventData;
export const EVENT_TYPES = Object.keys(EventData) as EventType[];
export type EventDataOf<T extends EventType> = Static<(typeof EventData)[T]>;

export const EventEnvelopeBase = Type.Object({
  id: Uuid,
  type: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  occurredAt: IsoDateTime,
  data: Type.Unknown(),
});

export interface EventEnvelope<T extends EventType = EventType> {
  id: string;
  type: T;
  version: number;
  occurredAt: string;
  data: EventDataOf<T>;
}

/** The exchange every service publishes to. */
export const EVENTS_EXCHANGE = 'rail.events';
