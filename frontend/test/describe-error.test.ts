// describeError and fieldMessages: every code a service sends is worded here, in both languages, never with the
// service's own English text; the fields it names are marked; waits are in minutes.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/errors.js';
import { translate } from '../src/i18n/i18n.js';
import { describeError, fieldMessages, waitText } from '../src/lib/errors.js';
import { bn, en } from '../src/i18n/strings.js';

const problem = (status: number, code: string) =>
  new ApiError({ type: 'about:blank', title: 'x', status, code, detail: 'English detail from the service' });

describe('describeError for the Idempotency-Key codes', () => {
  it.each([
    [409, 'IDEMPOTENCY_REQUEST_IN_PROGRESS', 'requestInProgress'],
    [422, 'IDEMPOTENCY_KEY_REUSED', 'requestChanged'],
    [400, 'IDEMPOTENCY_KEY_INVALID', 'requestKeyInvalid'],
    [400, 'INVALID_TEXT', 'invalidText'],
    [409, 'PAYMENT_IN_PROGRESS', 'paymentInProgress'],
  ] as const)('%i %s gets its own sentence, not the service detail', (status, code, key) => {
    expect(describeError(problem(status, code), (k, v) => translate('en', k, v))).toBe(en[key]);
    expect(describeError(problem(status, code), (k, v) => translate('bn', k, v))).toBe(bn[key]);
    expect(en[key]).not.toBe(bn[key]);
  });
});

describe('describeError for the waiting room, pick-for-me and waitlist codes', () => {
  it.each([
    [403, 'QUEUE_REQUIRED', 'queueRequired'],
    [503, 'QUEUE_UNAVAILABLE', 'queueUnavailable'],
    [404, 'NOT_IN_QUEUE', 'notInQueue'],
    [409, 'SALE_CLOSED', 'saleClosed'],
    [409, 'PHONE_ALREADY_QUEUED', 'phoneAlreadyQueued'],
    [409, 'WAITLIST_SEATS_AVAILABLE', 'waitlistSeatsFree'],
    [409, 'WAITLIST_DUPLICATE', 'waitlistAlready'],
    [409, 'WAITLIST_CLOSED', 'waitlistClosed'],
    [404, 'WAITLIST_NOT_FOUND', 'waitlistGone'],
    [409, 'WAITLIST_ENTRY_CLOSED', 'waitlistGone'],
  ] as const)('%i %s gets its own sentence in both languages', (status, code, key) => {
    expect(describeError(problem(status, code), (k, v) => translate('en', k, v))).toBe(en[key]);
    expect(describeError(problem(status, code), (k, v) => translate('bn', k, v))).toBe(bn[key]);
    expect(en[key]).not.toBe(bn[key]);
  });

  it('409 NOT_ENOUGH_SEATS says how many are free', () => {
    const err = new ApiError({ type: 'about:blank', title: 'x', status: 409, code: 'NOT_ENOUGH_SEATS', seatsLeft: 2 });
    expect(describeError(err, (k, v) => translate('en', k, v))).toBe('Only 2 seats of this class are free for your journey.');
    expect(describeError(err, (k, v) => translate('bn', k, v))).toBe('আপনার যাত্রায় এই শ্রেণির মাত্র ২টি আসন খালি।');
  });
});

const en18 = (k: Parameters<typeof translate>[1], v?: Parameters<typeof translate>[2]) => translate('en', k, v);
const bn18 = (k: Parameters<typeof translate>[1], v?: Parameters<typeof translate>[2]) => translate('bn', k, v);
const DETAIL = 'English detail from the service';

describe('describeError never shows the service text', () => {
  // Every code a service or the gateway sends to the traveller's pages (grep of services/*/src and gateway/render.ts).
  const codes: [number, string][] = [
    [400, 'VALIDATION_FAILED'],
    [400, 'OUTSIDE_SALES_WINDOW'],
    [400, 'UNKNOWN_STATION'],
    [400, 'SAME_STATION'],
    [400, 'NO_ROUTE'],
    [400, 'NOT_A_STOP'],
    [400, 'STATION_NOT_ON_ROUTE'],
    [400, 'WRONG_DIRECTION'],
    [400, 'UNKNOWN_TRIP'],
    [400, 'UNKNOWN_SEAT'],
    [400, 'CLASS_NOT_ON_TRIP'],
    [400, 'COACH_NOT_ON_TRIP'],
    [400, 'PASSENGER_COUNT'],
    [400, 'PHONE_REQUIRED'],
    [400, 'CARD_NUMBER_INVALID'],
    [400, 'CARD_EXPIRY_INVALID'],
    [400, 'CARD_EXPIRED'],
    [400, 'CARD_CVC_INVALID'],
    [400, 'WALLET_NUMBER_INVALID'],
    [400, 'WALLET_PIN_INVALID'],
    [400, 'OTP_INVALID'],
    [400, 'BAD_REQUEST'],
    [401, 'INVALID_CREDENTIALS'],
    [401, 'TOKEN_EXPIRED'],
    [401, 'REFRESH_TOKEN_REUSED'],
    [403, 'FORBIDDEN'],
    [404, 'BOOKING_NOT_FOUND'],
    [404, 'TRIP_NOT_FOUND'],
    [404, 'PAYMENT_NOT_FOUND'],
    [404, 'ROUTE_NOT_FOUND'],
    [409, 'EMAIL_TAKEN'],
    [409, 'PHONE_TAKEN'],
    [409, 'SEAT_UNAVAILABLE'],
    [409, 'LIMIT_EXCEEDED'],
    [409, 'SEATS_NOT_TOGETHER'],
    [409, 'HOLD_EXPIRED'],
    [409, 'BOOKING_NOT_HELD'],
    [409, 'INVALID_TRANSITION'],
    [409, 'OTP_NOT_REQUESTED'],
    [409, 'OTP_ALREADY_USED'],
    [409, 'BOOKING_ALREADY_PAID'],
    [409, 'BOOKING_NOT_PAYABLE'],
    [409, 'BOOKING_EXPIRED'],
    [409, 'PAYMENT_REFUNDED'],
    [409, 'PAYMENT_CONFLICT'],
    [409, 'QUEUE_NOT_OPEN'],
    [410, 'OTP_EXPIRED'],
    [413, 'PAYLOAD_TOO_LARGE'],
    [429, 'LOGIN_LOCKED'],
    [429, 'OTP_ATTEMPTS_EXCEEDED'],
    [429, 'OTP_SEND_LIMIT'],
    [429, 'OTP_RESEND_TOO_SOON'],
    [429, 'RATE_LIMITED'],
    [429, 'SERVICE_BUSY'],
    [500, 'INTERNAL'],
    [502, 'UPSTREAM_UNAVAILABLE'],
    [503, 'INVENTORY_REBUILDING'],
    [503, 'HOLD_NOT_SAVED'],
    [503, 'PAYMENT_PROVIDER_UNAVAILABLE'],
    [504, 'UPSTREAM_TIMEOUT'],
    [409, 'A_CODE_NOBODY_KNOWS_YET'],
  ];
  it.each(codes)('%i %s: a sentence of our own in each language', (status, code) => {
    const err = new ApiError({ type: 'about:blank', title: 'Conflict', status, code, detail: DETAIL }, 60);
    const english = describeError(err, en18);
    const bengali = describeError(err, bn18);
    for (const text of [english, bengali]) {
      expect(text).not.toContain(DETAIL);
      expect(text).not.toContain('Conflict');
      expect(text).not.toContain('{');
    }
    expect(bengali).not.toBe(english);
    expect(bengali).toMatch(/[\u0980-\u09FF]/);
  });

  it('a lockout says how long in minutes, from Retry-After', () => {
    const locked = new ApiError({ type: 'x', title: 'x', status: 429, code: 'LOGIN_LOCKED', detail: 'try again later' }, 886);
    expect(describeError(locked, en18)).toBe(
      'Too many wrong passwords for this account. For your safety, try again in 15 minutes.',
    );
    expect(describeError(locked, bn18)).toContain('১৫ মিনিট পরে');
  });

  it('words waits in seconds, minutes (rounded up) and hours', () => {
    expect(waitText(1, en18)).toBe('1 second');
    expect(waitText(0.2, en18)).toBe('1 second');
    expect(waitText(45, en18)).toBe('45 seconds');
    expect(waitText(60, en18)).toBe('1 minute');
    expect(waitText(61, en18)).toBe('2 minutes');
    expect(waitText(886, en18)).toBe('15 minutes');
    expect(waitText(900, bn18)).toBe('১৫ মিনিট');
    expect(waitText(7200, en18)).toBe('2 hours');
  });

  it('a booking that moved on names its status, not "A CANCELLED booking cannot be verified"', () => {
    const err = new ApiError({
      type: 'x',
      title: 'Conflict',
      status: 409,
      code: 'INVALID_TRANSITION',
      detail: 'A CANCELLED booking cannot be verified',
      bookingStatus: 'CANCELLED',
    });
    expect(describeError(err, en18)).toBe('This booking is now “Cancelled”, so this step is no longer possible.');
    expect(describeError(err, bn18)).toBe('এই বুকিংটি এখন “বাতিল”, তাই এই ধাপটি আর সম্ভব নয়।');
  });

  it('a date outside the sales window says how far ahead tickets are sold', () => {
    const err = new ApiError({
      type: 'x',
      title: 'x',
      status: 400,
      code: 'OUTSIDE_SALES_WINDOW',
      detail: 'Tickets are on sale from 2026-12-01 to 2026-12-11 (Asia/Dhaka); 2026-11-30 is outside the sales window',
      errors: [{ field: 'query.date', message: 'outside' }],
    });
    expect(describeError(err, en18)).toBe('Tickets for that date are not on sale: they are sold from today up to 10 days ahead.');
    expect(describeError(err, bn18)).toContain('১০ দিন');
  });

  it('a wrong booking code says how many tries are left', () => {
    const err = (attemptsLeft: number) =>
      new ApiError({ type: 'x', title: 'x', status: 400, code: 'OTP_INVALID', detail: 'The code is wrong', attemptsLeft });
    expect(describeError(err(3), en18)).toBe('That code is not right: 3 tries left. Check the SMS and try again.');
    expect(describeError(err(1), en18)).toBe('That code is not right: one try left. Check the SMS carefully.');
    expect(describeError(err(3), bn18)).toContain('৩ বার');
  });
});

describe('fieldMessages marks the fields a server names, in the traveller language', () => {
  const validation = (code: string, errors: { field: string; message: string }[], status = 400) =>
    new ApiError({ type: 'x', title: 'x', status, code, detail: 'One or more fields are invalid; see errors.', errors });

  it('a registration with a bad phone marks the phone', () => {
    const err = validation('VALIDATION_FAILED', [
      { field: 'body.phone', message: 'must match pattern "^(?:\\+880|0)1[3-9][0-9]{8}$"' },
    ]);
    expect(fieldMessages(err, en18)).toEqual({ phone: en.errPhone });
    expect(fieldMessages(err, bn18)).toEqual({ phone: bn.errPhone });
    expect(describeError(err, en18)).toBe(en.fieldsInvalid);
  });

  it('a passenger without a name marks that passenger name; a missing field says to fill it in', () => {
    const err = validation('VALIDATION_FAILED', [
      { field: 'body.passengers.1.name', message: 'must NOT have fewer than 1 characters' },
      { field: 'body.passengers.0.age', message: 'must be <= 120' },
      { field: 'body.email', message: 'is required' },
    ]);
    expect(fieldMessages(err, en18)).toEqual({
      'passengers.1.name': en.errName,
      'passengers.0.age': en.errAge,
      email: en.errRequired,
    });
  });

  it('a payment field code words its field', () => {
    const card = validation('CARD_NUMBER_INVALID', [{ field: 'body.cardNumber', message: 'is not a valid card number' }]);
    expect(fieldMessages(card, en18)).toEqual({ cardNumber: en.errCardNumber });
    expect(fieldMessages(card, bn18)).toEqual({ cardNumber: bn.errCardNumber });
    const expired = validation('CARD_EXPIRED', [{ field: 'body.expiry', message: 'the card has expired' }]);
    expect(fieldMessages(expired, en18)).toEqual({ expiry: en.errCardExpired });
  });

  it('an e-mail and phone already registered mark both', () => {
    const err = validation(
      'EMAIL_TAKEN',
      [
        { field: 'body.email', message: 'is already registered' },
        { field: 'body.phone', message: 'is already registered' },
      ],
      409,
    );
    expect(fieldMessages(err, en18)).toEqual({ email: en.errEmailTaken, phone: en.errPhoneTaken });
  });

  it('names no field for an answer without fields, or for something that is not an API error', () => {
    expect(fieldMessages(new ApiError({ type: 'x', title: 'x', status: 409, code: 'SEAT_UNAVAILABLE' }), en18)).toEqual({});
    expect(fieldMessages(new Error('boom'), en18)).toEqual({});
  });
});
