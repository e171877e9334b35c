/**
 * The booking aggregate, pure: each state change checks the move against the state machine, refuses
 * invalid ones with a typed error, and returns the change to apply with the event it causes, so every
 * event type is built here and nowhere else. The repository applies a change and enqueues its event in
 * one transaction; callers never assemble an event payload.
 */
import type { BookedSeat, BookingStatus, Passenger } from '@rail/contracts/booking';
import type { EventDataOf, EventType } from '@rail/contracts/events';
import type { TripInventory } from '@rail/contracts/train-internal';
import { ConflictError, TooManyRequestsError, ValidationError } from '@rail/errors';
import { transition } from './booking-state.js';
import { MAX_OTP_ATTEMPTS, MAX_OTP_SENDS } from './otp.js';

/** A booking as stored (snake_case, as the bookings row and its seats read back). */
export interface Booking {
  id: string;
  user_id: string;
  trip_id: number;
  from_code: string;
  to_code: string;
  from_index: number;
  to_index: number;
  status: BookingStatus;
  amount: number;
  expires_at: Date | null;
  contact_phone: string | null;
  contact_email: string | null;
  contact_name: string | null;
  passengers: Passenger[];
  otp_hash: string | null;
  otp_attempts: number;
  otp_sends: number;
  payment_id: string | null;
  reference: string | null;
  cancel_reason: string | null;
  /** Set when the booking is a waitlist offer. */
  waitlist_id: string | null;
  created_at: Date;
  updated_at: Date;
  seats: BookedSeat[];
  /** expires_at <= now() by the database clock. */
  overdue: boolean;
}

export type BookingEventType = Extract<
  EventType,
  'booking.held' | 'booking.confirmed' | 'booking.cancelled' | 'booking.expired' | 'otp.requested'
>;
export type BookingEvent<T extends BookingEventType = BookingEventType> = {
  [K in T]: { type: K; data: EventDataOf<K> };
}[T];

/** Columns a change may set besides the status. */
export interface BookingChanges {
  passengers?: Passenger[];
  otp_hash?: string | null;
  otp_attempts?: number;
  otp_sends?: number;
  contact_phone?: string;
  payment_id?: string;
  reference?: string;
  expires_at?: null;
  cancel_reason?: string;
}

export interface Change<E extends BookingEvent | null = BookingEvent | null> {
  bookingId: string;
  from: BookingStatus;
  to: BookingStatus;
  changes: BookingChanges;
  /** What the change tells other services; null when it is nobody else's business (an OTP attempt). */
  event: E;
}

export type Contact = EventDataOf<'booking.cancelled'>['contact'];

function event<T extends BookingEventType>(type: T, data: EventDataOf<T>): BookingEvent<T> {
  return { type, data } as BookingEvent<T>;
}

/** The contact details present (absent ones left out, as the contracts want). */
export function toContact(details: { phone?: string | null; email?: string | null; name?: string | null }): Contact {
  const contact: Contact = {};
  if (details.phone) contact.phone = details.phone;
  if (details.email) contact.email = details.email;
  if (details.name) contact.name = details.name;
  return contact;
}

export function contactOf(b: Pick<Booking, 'contact_phone' | 'contact_email' | 'contact_name'>): Contact {
  return toContact({ phone: b.contact_phone, email: b.contact_email, name: b.contact_name });
}

/** The booking as it is once `change` is applied. */
export function applied<B extends Booking>(b: B, change: Change): B {
  return { ...b, ...change.changes, status: change.to };
}

/** The status others should see: a hold past its time is expired even before the expiry job marks it. */
export function effectiveStatus(b: Pick<Booking, 'status' | 'overdue'>): BookingStatus {
  return b.overdue && (b.status === 'HELD' || b.status === 'PENDING_PAYMENT') ? 'EXPIRED' : b.status;
}

// --- A new hold -------------------------------------------------------------------------------------

/** A journey segment as stop indexes [fromIndex, toIndex) and its leg mask. */
export interface HoldSegment {
  from: string;
  to: string;
  fromIndex: number;
  toIndex: number;
  mask: number;
}

/** One request's hold, built once: Redis's call, PostgreSQL's rows, booking.held and the answer derive from it. */
export interface NewHold {
  bookingId: string;
  userId: string;
  contact: Contact;
  tripId: number;
  segment: HoldSegment;
  seats: BookedSeat[];
  amount: number;
}

/** The hold Redis granted until `expiresAt` becomes a HELD booking. */
export function hold(h: NewHold, expiresAt: Date): { to: 'HELD'; event: BookingEvent<'booking.held'> } {
  return {
    to: 'HELD',
    event: event('booking.held', {
      bookingId: h.bookingId,
      userId: h.userId,
      tripId: h.tripId,
      from: h.segment.from,
      to: h.segment.to,
      seatIds: h.seats.map((s) => s.seatId),
      amount: h.amount,
      expiresAt: expiresAt.toISOString(),
    }),
  };
}

// --- Changes of an existing booking -------------------------------------------------------------------

/** HELD / PENDING_PAYMENT -> EXPIRED; null when it already is. */
export function expire(
  b: Pick<Booking, 'id' | 'user_id' | 'trip_id' | 'status' | 'seats'>,
): Change<BookingEvent<'booking.expired'>> | null {
  const t = transition(b.status, 'expire');
  if (!t.changed) return null;
  return {
    bookingId: b.id,
    from: t.from,
    to: t.to,
    changes: {},
    event: event('booking.expired', {
      bookingId: b.id,
      userId: b.user_id,
      tripId: b.trip_id,
      seatIds: b.seats.map((s) => s.seatId),
    }),
  };
}

function holdIsLive(b: Booking): void {
  if (b.overdue) throw new ConflictError('HOLD_EXPIRED', 'The hold on these seats has run out', { bookingStatus: 'EXPIRED' });
}

export interface OtpRequest {
  phone: string;
  passengers: Passenger[];
  /** The code to send, and its hash to keep (the code itself is never stored). */
  code: string;
  codeHash: string;
  requestId: string;
}

/** Passengers recorded on a live hold and a (new) booking code sent: otp.requested. The status stays HELD. */
export function requestOtp(b: Booking, request: OtpRequest): Change<BookingEvent<'otp.requested'>> {
  if (b.status !== 'HELD') {
    throw new ConflictError('BOOKING_NOT_HELD', `The booking is ${b.status}; passengers can only be added to a held booking`, {
      bookingStatus: b.status,
    });
  }
  holdIsLive(b);
  if (request.passengers.length !== b.seats.length) {
    throw ValidationError.field(
      'body.passengers',
      `must list exactly ${b.seats.length} passengers, one per seat`,
      'PASSENGER_COUNT',
    );
  }
  if (b.otp_sends >= MAX_OTP_SENDS) throw new TooManyRequestsError('Too many codes sent for this booking', 60, 'OTP_SEND_LIMIT');
  return {
    bookingId: b.id,
    from: b.status,
    to: b.status,
    changes: {
      passengers: request.passengers,
      otp_hash: request.codeHash,
      otp_sends: b.otp_sends + 1,
      contact_phone: request.phone,
    },
    event: event('otp.requested', {
      requestId: request.requestId,
      phone: request.phone,
      purpose: 'booking',
      code: request.code,
      expiresAt: b.expires_at!.toISOString(),
      bookingId: b.id,
    }),
  };
}

export type OtpCheck =
  /** change null: it was verified before (an idempotent repeat). */
  | { kind: 'verified'; change: Change<null> | null }
  | { kind: 'wrong'; attemptsLeft: number; change: Change<null> }
  /** Too many wrong codes: the hold is released. */
  | { kind: 'locked'; change: Change<BookingEvent<'booking.cancelled'>> };

export const OTP_ATTEMPTS_EXCEEDED = 'OTP_ATTEMPTS_EXCEEDED';

/** Checks a code against the stored hash (`matches` does the constant-time comparison). */
export function verifyOtp(b: Booking, matches: (storedHash: string) => boolean): OtpCheck {
  if (b.status === 'PENDING_PAYMENT') return { kind: 'verified', change: null };
  const t = transition(b.status, 'verifyOtp');
  holdIsLive(b);
  if (!b.otp_hash) throw new ConflictError('OTP_NOT_REQUESTED', 'Confirm the passengers first to receive a code');
  if (matches(b.otp_hash)) {
    return { kind: 'verified', change: { bookingId: b.id, from: t.from, to: t.to, changes: { otp_hash: null }, event: null } };
  }
  const attempts = b.otp_attempts + 1;
  if (attempts >= MAX_OTP_ATTEMPTS) {
    const released = release(b, OTP_ATTEMPTS_EXCEEDED)!;
    return { kind: 'locked', change: { ...released, changes: { ...released.changes, otp_attempts: attempts } } };
  }
  return {
    kind: 'wrong',
    attemptsLeft: MAX_OTP_ATTEMPTS - attempts,
    change: { bookingId: b.id, from: b.status, to: b.status, changes: { otp_attempts: attempts }, event: null },
  };
}

export interface Payment {
  paymentId: string;
  amount: number;
}

/** What booking.confirmed tells the traveller about the train. */
export type TripDetails = Pick<TripInventory, 'trainName' | 'trainNumber' | 'date' | 'stops'>;

/** PENDING_PAYMENT -> CONFIRMED under a new reference: booking.confirmed (the e-ticket). Null when it already is. */
export function confirm(
  b: Booking,
  payment: Pick<Payment, 'paymentId'>,
  reference: string,
  trip: TripDetails,
): Change<BookingEvent<'booking.confirmed'>> | null {
  const t = transition(b.status, 'pay');
  if (!t.changed) return null;
  holdIsLive(b);
  return {
    bookingId: b.id,
    from: t.from,
    to: t.to,
    changes: { reference, payment_id: payment.paymentId, expires_at: null },
    event: event('booking.confirmed', {
      bookingId: b.id,
      reference,
      userId: b.user_id,
      contact: contactOf(b),
      tripId: b.trip_id,
      trainName: trip.trainName,
      trainNumber: trip.trainNumber,
      date: trip.date,
      from: b.from_code,
      to: b.to_code,
      departure: trip.stops[b.from_index]?.departure ?? null,
      seats: b.seats,
      passengers: b.passengers,
      amount: b.amount,
      paymentId: payment.paymentId,
    }),
  };
}

function cancelled(
  b: Booking,
  details: { reason: string; paymentId: string | null; refundAmount: number },
): BookingEvent<'booking.cancelled'> {
  return event('booking.cancelled', {
    bookingId: b.id,
    reference: b.reference,
    userId: b.user_id,
    contact: contactOf(b),
    tripId: b.trip_id,
    seatIds: b.seats.map((s) => s.seatId),
    ...details,
  });
}

/**
 * HELD / PENDING_PAYMENT -> CANCELLED without charge (the user lets go, or too many wrong codes). Null when
 * there is nothing to let go: the booking already expired or was released.
 */
export function release(b: Booking, reason: string): Change<BookingEvent<'booking.cancelled'>> | null {
  if (b.status === 'EXPIRED') return null;
  const t = transition(b.status, 'release');
  if (!t.changed) return null;
  return {
    bookingId: b.id,
    from: t.from,
    to: t.to,
    changes: { cancel_reason: reason, otp_hash: null },
    event: cancelled(b, { reason, paymentId: null, refundAmount: 0 }),
  };
}

/** CONFIRMED -> CANCELLED with a refund of what was paid. Null when it already is cancelled. */
export function cancel(b: Booking, reason: string): Change<BookingEvent<'booking.cancelled'>> | null {
  const t = transition(b.status, 'cancel');
  if (!t.changed) return null;
  return {
    bookingId: b.id,
    from: t.from,
    to: t.to,
    changes: { cancel_reason: reason },
    event: cancelled(b, { reason, paymentId: b.payment_id, refundAmount: b.amount }),
  };
}

/** Money that cannot buy this booking goes back: booking.cancelled naming the payment. The booking stays as it is. */
export function refundPayment(b: Booking, payment: Payment, reason: string): Change<BookingEvent<'booking.cancelled'>> {
  return {
    bookingId: b.id,
    from: b.status,
    to: b.status,
    changes: {},
    event: cancelled(b, { reason, paymentId: payment.paymentId, refundAmount: payment.amount }),
  };
}
