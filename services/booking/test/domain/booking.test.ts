/**
 * The booking aggregate, pure: each change returns the right status, columns and event; invalid moves are
 * refused with typed errors; and every event it builds validates against its contract.
 */
import { describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { EventData } from '@rail/contracts/events';
import { assertEventData, EventContractError } from '@rail/messaging';
import { InvalidTransitionError } from '../../src/domain/booking-state.js';
import {
  applied,
  cancel,
  confirm,
  contactOf,
  effectiveStatus,
  expire,
  hold,
  refundPayment,
  release,
  requestOtp,
  verifyOtp,
  type Booking,
  type BookingEvent,
  type NewHold,
} from '../../src/domain/booking.js';
import { makeInventory } from '../helpers/fixtures.js';

const trip = makeInventory(7);
const BOOKING_ID = '5f1c2d3e-4a5b-4c6d-8e7f-901234567890';
const PAYMENT_ID = '6a1c2d3e-4a5b-4c6d-8e7f-901234567891';
const seats = [
  { seatId: 70001, label: 'KA-1', coach: 'KA', class: 'SHOVAN' as const },
  { seatId: 70002, label: 'KA-2', coach: 'KA', class: 'SHOVAN' as const },
];

function booking(overrides: Partial<Booking> = {}): Booking {
  return {
    id: BOOKING_ID,
    user_id: 'u-1',
    trip_id: 7,
    from_code: 'BHB',
    to_code: 'CTG',
    from_index: 1,
    to_index: 4,
    status: 'HELD',
    amount: 600,
    expires_at: new Date('2026-04-01T06:05:00.000Z'),
    contact_phone: '+8801711111111',
    contact_email: null,
    contact_name: 'Asha',
    passengers: [],
    otp_hash: null,
    otp_attempts: 0,
    otp_sends: 0,
    payment_id: null,
    reference: null,
    cancel_reason: null,
    waitlist_id: null,
    created_at: new Date('2026-04-01T06:00:00.000Z'),
    updated_at: new Date('2026-04-01T06:00:00.000Z'),
    seats,
    overdue: false,
    ...overrides,
  };
}

const passengers = [{ name: 'Asha' }, { name: 'Rafi', age: 9 }];
const otpRequest = { phone: '+8801711111111', passengers, code: '123456', codeHash: 'hash-of-123456', requestId: 'req-1' };
const newHold: NewHold = {
  bookingId: BOOKING_ID,
  userId: 'u-1',
  contact: { phone: '+8801711111111' },
  tripId: 7,
  segment: { from: 'BHB', to: 'CTG', fromIndex: 1, toIndex: 4, mask: 0b1110 },
  seats,
  amount: 600,
};
const always = () => true;
const never = () => false;

describe('hold', () => {
  it('a granted hold becomes HELD and raises booking.held from the one hold object', () => {
    const result = hold(newHold, new Date('2026-04-01T06:05:00.000Z'));
    expect(result).toEqual({
      to: 'HELD',
      event: {
        type: 'booking.held',
        data: {
          bookingId: BOOKING_ID,
          userId: 'u-1',
          tripId: 7,
          from: 'BHB',
          to: 'CTG',
          seatIds: [70001, 70002],
          amount: 600,
          expiresAt: '2026-04-01T06:05:00.000Z',
        },
      },
    });
  });
});

describe('expire', () => {
  it.each(['HELD', 'PENDING_PAYMENT'] as const)('%s -> EXPIRED with booking.expired', (status) => {
    expect(expire(booking({ status }))).toEqual({
      bookingId: BOOKING_ID,
      from: status,
      to: 'EXPIRED',
      changes: {},
      event: { type: 'booking.expired', data: { bookingId: BOOKING_ID, userId: 'u-1', tripId: 7, seatIds: [70001, 70002] } },
    });
  });

  it('is a no-op on an expired booking and refused on a confirmed or cancelled one', () => {
    expect(expire(booking({ status: 'EXPIRED' }))).toBeNull();
    expect(() => expire(booking({ status: 'CONFIRMED' }))).toThrow(InvalidTransitionError);
    expect(() => expire(booking({ status: 'CANCELLED' }))).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
  });
});

describe('requestOtp', () => {
  it('records passengers, keeps only the hash, counts the send and raises otp.requested; the status stays HELD', () => {
    const change = requestOtp(booking({ otp_sends: 1 }), otpRequest);
    expect(change).toEqual({
      bookingId: BOOKING_ID,
      from: 'HELD',
      to: 'HELD',
      changes: { passengers, otp_hash: 'hash-of-123456', otp_sends: 2, contact_phone: '+8801711111111' },
      event: {
        type: 'otp.requested',
        data: {
          requestId: 'req-1',
          phone: '+8801711111111',
          purpose: 'booking',
          code: '123456',
          expiresAt: '2026-04-01T06:05:00.000Z',
          bookingId: BOOKING_ID,
        },
      },
    });
  });

  it('refuses a booking that is not held, a hold that ran out, the wrong passenger count and a fourth send', () => {
    expect(() => requestOtp(booking({ status: 'PENDING_PAYMENT' }), otpRequest)).toThrow(
      expect.objectContaining({ status: 409, code: 'BOOKING_NOT_HELD' }),
    );
    expect(() => requestOtp(booking({ overdue: true }), otpRequest)).toThrow(
      expect.objectContaining({ status: 409, code: 'HOLD_EXPIRED' }),
    );
    expect(() => requestOtp(booking(), { ...otpRequest, passengers: [{ name: 'Asha' }] })).toThrow(
      expect.objectContaining({ status: 400, code: 'PASSENGER_COUNT' }),
    );
    expect(() => requestOtp(booking({ otp_sends: 3 }), otpRequest)).toThrow(
      expect.objectContaining({ status: 429, code: 'OTP_SEND_LIMIT' }),
    );
  });
});

describe('verifyOtp', () => {
  const sent = { otp_hash: 'hash-of-123456' };

  it('the right code: HELD -> PENDING_PAYMENT, the hash dropped, no event', () => {
    expect(verifyOtp(booking(sent), always)).toEqual({
      kind: 'verified',
      change: { bookingId: BOOKING_ID, from: 'HELD', to: 'PENDING_PAYMENT', changes: { otp_hash: null }, event: null },
    });
  });

  it('passes the stored hash to the comparison', () => {
    const seen: string[] = [];
    verifyOtp(booking(sent), (hash) => (seen.push(hash), true));
    expect(seen).toEqual(['hash-of-123456']);
  });

  it('an already verified booking is an idempotent repeat', () => {
    expect(verifyOtp(booking({ status: 'PENDING_PAYMENT' }), never)).toEqual({ kind: 'verified', change: null });
  });

  it('a wrong code counts the attempt and says how many are left', () => {
    expect(verifyOtp(booking({ ...sent, otp_attempts: 1 }), never)).toEqual({
      kind: 'wrong',
      attemptsLeft: 3,
      change: { bookingId: BOOKING_ID, from: 'HELD', to: 'HELD', changes: { otp_attempts: 2 }, event: null },
    });
  });

  it('the fifth wrong code releases the hold: CANCELLED with booking.cancelled, nothing to refund', () => {
    const check = verifyOtp(booking({ ...sent, otp_attempts: 4 }), never);
    expect(check.kind).toBe('locked');
    expect(check.change).toEqual({
      bookingId: BOOKING_ID,
      from: 'HELD',
      to: 'CANCELLED',
      changes: { cancel_reason: 'OTP_ATTEMPTS_EXCEEDED', otp_hash: null, otp_attempts: 5 },
      event: {
        type: 'booking.cancelled',
        data: {
          bookingId: BOOKING_ID,
          reference: null,
          userId: 'u-1',
          contact: { phone: '+8801711111111', name: 'Asha' },
          tripId: 7,
          seatIds: [70001, 70002],
          reason: 'OTP_ATTEMPTS_EXCEEDED',
          paymentId: null,
          refundAmount: 0,
        },
      },
    });
  });

  it('refuses a code for a booking past holding, a hold that ran out, and before any code was sent', () => {
    expect(() => verifyOtp(booking({ ...sent, status: 'EXPIRED' }), always)).toThrow(InvalidTransitionError);
    expect(() => verifyOtp(booking({ ...sent, status: 'CANCELLED' }), always)).toThrow(
      expect.objectContaining({ status: 409, code: 'INVALID_TRANSITION' }),
    );
    expect(() => verifyOtp(booking({ ...sent, overdue: true }), always)).toThrow(
      expect.objectContaining({ status: 409, code: 'HOLD_EXPIRED' }),
    );
    expect(() => verifyOtp(booking(), always)).toThrow(expect.objectContaining({ status: 409, code: 'OTP_NOT_REQUESTED' }));
  });
});

describe('confirm', () => {
  const pending = booking({ status: 'PENDING_PAYMENT', passengers });

  it('PENDING_PAYMENT -> CONFIRMED under the reference, raising booking.confirmed (the e-ticket)', () => {
    const change = confirm(pending, { paymentId: PAYMENT_ID }, 'ABCD2345', trip);
    expect(change).toEqual({
      bookingId: BOOKING_ID,
      from: 'PENDING_PAYMENT',
      to: 'CONFIRMED',
      changes: { reference: 'ABCD2345', payment_id: PAYMENT_ID, expires_at: null },
      event: {
        type: 'booking.confirmed',
        data: {
          bookingId: BOOKING_ID,
          reference: 'ABCD2345',
          userId: 'u-1',
          contact: { phone: '+8801711111111', name: 'Asha' },
          tripId: 7,
          trainName: trip.trainName,
          trainNumber: trip.trainNumber,
          date: trip.date,
          from: 'BHB',
          to: 'CTG',
          // The departure from the traveller's own first stop, not the train's.
          departure: trip.stops[1]!.departure,
          seats,
          passengers,
          amount: 600,
          paymentId: PAYMENT_ID,
        },
      },
    });
    expect(applied(pending, change!)).toMatchObject({ status: 'CONFIRMED', reference: 'ABCD2345', expires_at: null });
  });

  it('is a no-op on a confirmed booking; refuses an unverified hold, an expired booking and a hold that ran out', () => {
    expect(confirm(booking({ status: 'CONFIRMED' }), { paymentId: PAYMENT_ID }, 'ABCD2345', trip)).toBeNull();
    expect(() => confirm(booking(), { paymentId: PAYMENT_ID }, 'ABCD2345', trip)).toThrow(InvalidTransitionError);
    expect(() => confirm(booking({ status: 'EXPIRED' }), { paymentId: PAYMENT_ID }, 'ABCD2345', trip)).toThrow(
      InvalidTransitionError,
    );
    expect(() => confirm({ ...pending, overdue: true }, { paymentId: PAYMENT_ID }, 'ABCD2345', trip)).toThrow(
      expect.objectContaining({ code: 'HOLD_EXPIRED' }),
    );
  });
});

describe('release', () => {
  it.each(['HELD', 'PENDING_PAYMENT'] as const)('%s -> CANCELLED without charge, raising booking.cancelled', (status) => {
    const change = release(booking({ status, otp_hash: 'h' }), 'RELEASED_BY_USER');
    expect(change).toMatchObject({
      from: status,
      to: 'CANCELLED',
      changes: { cancel_reason: 'RELEASED_BY_USER', otp_hash: null },
      event: { type: 'booking.cancelled', data: { reason: 'RELEASED_BY_USER', paymentId: null, refundAmount: 0 } },
    });
  });

  it('has nothing to let go of an expired or released booking, and refuses a confirmed one (that is cancel)', () => {
    expect(release(booking({ status: 'EXPIRED' }), 'RELEASED_BY_USER')).toBeNull();
    expect(release(booking({ status: 'CANCELLED' }), 'RELEASED_BY_USER')).toBeNull();
    expect(() => release(booking({ status: 'CONFIRMED' }), 'RELEASED_BY_USER')).toThrow(
      expect.objectContaining({ from: 'CONFIRMED', action: 'release', code: 'INVALID_TRANSITION' }),
    );
  });
});

describe('cancel', () => {
  const confirmed = booking({ status: 'CONFIRMED', reference: 'ABCD2345', payment_id: PAYMENT_ID, expires_at: null });

  it('CONFIRMED -> CANCELLED, raising booking.cancelled that refunds what was paid', () => {
    const change = cancel(confirmed, 'CANCELLED_BY_USER');
    expect(change).toMatchObject({
      from: 'CONFIRMED',
      to: 'CANCELLED',
      changes: { cancel_reason: 'CANCELLED_BY_USER' },
      event: {
        type: 'booking.cancelled',
        data: { reference: 'ABCD2345', reason: 'CANCELLED_BY_USER', paymentId: PAYMENT_ID, refundAmount: 600 },
      },
    });
  });

  it('is a no-op on a cancelled booking and refused on a hold', () => {
    expect(cancel({ ...confirmed, status: 'CANCELLED' }, 'x')).toBeNull();
    expect(() => cancel(booking(), 'x')).toThrow(InvalidTransitionError);
    expect(() => cancel(booking({ status: 'EXPIRED' }), 'x')).toThrow(InvalidTransitionError);
  });
});

describe('refundPayment', () => {
  it('leaves the booking as it is and raises booking.cancelled naming the payment and its amount', () => {
    const change = refundPayment(booking({ status: 'EXPIRED' }), { paymentId: PAYMENT_ID, amount: 650 }, 'PAID_AFTER_EXPIRY');
    expect(change).toMatchObject({
      from: 'EXPIRED',
      to: 'EXPIRED',
      changes: {},
      event: { type: 'booking.cancelled', data: { reason: 'PAID_AFTER_EXPIRY', paymentId: PAYMENT_ID, refundAmount: 650 } },
    });
  });
});

describe('read helpers', () => {
  it('contactOf leaves out absent details; effectiveStatus shows an overdue hold as EXPIRED', () => {
    expect(contactOf(booking())).toEqual({ phone: '+8801711111111', name: 'Asha' });
    expect(contactOf(booking({ contact_phone: null, contact_name: null }))).toEqual({});
    expect(effectiveStatus(booking({ overdue: true }))).toBe('EXPIRED');
    expect(effectiveStatus(booking({ status: 'PENDING_PAYMENT', overdue: true }))).toBe('EXPIRED');
    expect(effectiveStatus(booking({ status: 'CONFIRMED', overdue: true }))).toBe('CONFIRMED');
    expect(effectiveStatus(booking())).toBe('HELD');
  });
});

describe('contracts', () => {
  it('every event the aggregate builds validates against its contract in @rail/contracts', () => {
    const pending = booking({ status: 'PENDING_PAYMENT', passengers });
    const confirmed = booking({ status: 'CONFIRMED', reference: 'ABCD2345', payment_id: PAYMENT_ID, expires_at: null });
    const locked = verifyOtp(booking({ otp_hash: 'h', otp_attempts: 4 }), never);
    const events: BookingEvent[] = [
      hold(newHold, new Date('2026-04-01T06:05:00.000Z')).event,
      expire(booking())!.event,
      requestOtp(booking(), otpRequest).event,
      confirm(pending, { paymentId: PAYMENT_ID }, 'ABCD2345', trip)!.event,
      release(booking(), 'RELEASED_BY_USER')!.event,
      cancel(confirmed, 'CANCELLED_BY_USER')!.event,
      refundPayment(confirmed, { paymentId: PAYMENT_ID, amount: 600 }, 'DUPLICATE_PAYMENT').event,
      ...(locked.kind === 'locked' ? [locked.change.event] : []),
    ];
    expect(new Set(events.map((e) => e.type))).toEqual(
      new Set(['booking.held', 'booking.expired', 'otp.requested', 'booking.cancelled', 'booking.confirmed']),
    );
    expect(events).toHaveLength(8);
    for (const e of events) {
      expect(Value.Check(EventData[e.type], e.data), e.type).toBe(true);
      expect(() => assertEventData(e.type, e.data)).not.toThrow();
    }
  });

  it('the check can fail: an event missing a field is refused', () => {
    const e = expire(booking())!.event;
    const { seatIds: _seatIds, ...broken } = e.data;
    expect(() => assertEventData('booking.expired', broken)).toThrow(EventContractError);
  });
});
