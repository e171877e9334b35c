/**
 * Turns any failure into one calm sentence for the traveller, in their language, and the fields a server named
 * into a line under each field. Only the problem's stable `code`, status, named fields and documented extension
 * members (seatsLeft, attemptsLeft, bookingStatus, Retry-After) are read: a service's English `detail` or `title`
 * never reaches the page, in either language. An unknown code gets its status's sentence.
 */
import { isApiError, type ApiError } from '../api/errors.js';
import type { I18n } from '../i18n/i18n.js';
import type { StringKey } from '../i18n/strings.js';
import { SALES_WINDOW_DAYS } from './catalog.js';

type T = I18n['t'];

/** A wait the server named (Retry-After), in words: "1 second", "45 seconds", "15 minutes" (rounded up), "2 hours". */
export function waitText(seconds: number, t: T): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s === 1) return t('waitOneSecond');
  if (s < 60) return t('waitSeconds', { n: s });
  const minutes = Math.ceil(s / 60);
  if (minutes === 1) return t('waitOneMinute');
  if (minutes < 120) return t('waitMinutes', { n: minutes });
  return t('waitHours', { n: Math.ceil(minutes / 60) });
}

/** Codes whose sentence needs nothing from the problem. */
const SENTENCES: Record<string, StringKey> = {
  // The waiting room's codes (QueueErrorCode).
  QUEUE_REQUIRED: 'queueRequired',
  QUEUE_UNAVAILABLE: 'queueUnavailable',
  QUEUE_NOT_OPEN: 'queueNotOpen',
  NOT_IN_QUEUE: 'notInQueue',
  SALE_CLOSED: 'saleClosed',
  PHONE_ALREADY_QUEUED: 'phoneAlreadyQueued',
  // The booking service's waitlist codes.
  WAITLIST_SEATS_AVAILABLE: 'waitlistSeatsFree',
  WAITLIST_DUPLICATE: 'waitlistAlready',
  WAITLIST_CLOSED: 'waitlistClosed',
  WAITLIST_NOT_FOUND: 'waitlistGone',
  WAITLIST_ENTRY_CLOSED: 'waitlistGone',
  WAITLIST_NOT_WAITING: 'waitlistGone',
  // Auth.
  INVALID_CREDENTIALS: 'invalidCredentials',
  EMAIL_TAKEN: 'emailTaken',
  PHONE_TAKEN: 'phoneTaken',
  OTP_EXPIRED: 'otpExpired',
  OTP_ALREADY_USED: 'otpAlreadyUsed',
  OTP_NOT_FOUND: 'otpExpired',
  OTP_NOT_REQUESTED: 'otpNotRequested',
  OTP_ATTEMPTS_EXCEEDED: 'otpTooManyWrong',
  OTP_INVALID: 'otpWrong',
  PHONE_REQUIRED: 'phoneRequired',
  TOKEN_MISSING: 'signInAgain',
  TOKEN_INVALID: 'signInAgain',
  TOKEN_EXPIRED: 'signInAgain',
  REFRESH_TOKEN_INVALID: 'signInAgain',
  REFRESH_TOKEN_REUSED: 'signInAgain',
  REFRESH_TOKEN_REVOKED: 'signInAgain',
  REFRESH_TOKEN_EXPIRED: 'signInAgain',
  UNAUTHORIZED: 'signInAgain',
  // Booking and seats.
  BOOKING_NOT_FOUND: 'bookingNotFound',
  HOLD_EXPIRED: 'holdExpired',
  BOOKING_EXPIRED: 'holdExpired',
  PASSENGER_COUNT: 'passengerCount',
  SEAT_UNAVAILABLE: 'seatTakenGeneric',
  LIMIT_EXCEEDED: 'limitExceeded',
  HOLD_NOT_SAVED: 'holdNotSaved',
  CLASS_NOT_ON_TRIP: 'classNotOnTrip',
  COACH_NOT_ON_TRIP: 'coachNotOnTrip',
  STATION_NOT_ON_ROUTE: 'notAStop',
  NOT_A_STOP: 'notAStop',
  WRONG_DIRECTION: 'wrongDirection',
  UNKNOWN_TRIP: 'tripNotFound',
  TRIP_NOT_FOUND: 'tripNotFound',
  UNKNOWN_SEAT: 'unknownSeat',
  // Search.
  UNKNOWN_STATION: 'unknownStation',
  SAME_STATION: 'sameStations',
  NO_ROUTE: 'noRoute',
  // Payment.
  BOOKING_ALREADY_PAID: 'alreadyPaid',
  BOOKING_NOT_PAYABLE: 'notPayable',
  PAYMENT_NOT_FOUND: 'paymentNotFound',
  PAYMENT_REFUNDED: 'paymentRefunded',
  PAYMENT_CONFLICT: 'paymentConflict',
  PAYMENT_PROVIDER_UNAVAILABLE: 'payProviderError',
  // Another attempt on the same payment is still at the provider (a double submit, a second tab).
  PAYMENT_IN_PROGRESS: 'paymentInProgress',
  // The Idempotency-Key protocol's codes (@rail/idempotency), the same from every service.
  IDEMPOTENCY_REQUEST_IN_PROGRESS: 'requestInProgress',
  IDEMPOTENCY_KEY_REUSED: 'requestChanged',
  IDEMPOTENCY_KEY_INVALID: 'requestKeyInvalid',
  // A NUL character anywhere in the request (@rail/http's text guard, every service).
  INVALID_TEXT: 'invalidText',
  ROUTE_NOT_FOUND: 'notFound',
  NOT_FOUND: 'notFound',
};

/** Codes that are a wait the server names (Retry-After): the sentence says how long. */
const WAITS: Record<string, StringKey> = {
  LOGIN_LOCKED: 'loginLocked',
  OTP_RESEND_TOO_SOON: 'otpResendTooSoon',
  OTP_SEND_LIMIT: 'otpSendLimit',
  OTP_RATE_LIMITED: 'otpSendLimit',
  RATE_LIMITED: 'rateLimited',
  TOO_MANY_REQUESTS: 'rateLimited',
};

/** Field-level codes: the field they name gets this line. */
const FIELD_CODES: Record<string, StringKey> = {
  CARD_NUMBER_INVALID: 'errCardNumber',
  CARD_EXPIRY_INVALID: 'errExpiry',
  CARD_EXPIRED: 'errCardExpired',
  CARD_CVC_INVALID: 'errCvc',
  WALLET_NUMBER_INVALID: 'errWalletNumber',
  WALLET_PIN_INVALID: 'errPin',
};

/** A field a validation error names, worded by what the field is (the last part of its name). */
const FIELD_NAMES: Record<string, StringKey> = {
  name: 'errName',
  email: 'errEmail',
  phone: 'errPhone',
  password: 'errPassword',
  age: 'errAge',
  cardNumber: 'errCardNumber',
  expiry: 'errExpiry',
  cvc: 'errCvc',
  walletNumber: 'errWalletNumber',
  pin: 'errPin',
  otp: 'otpWrong',
  code: 'otpWrong',
};

function bookingMovedOn(err: ApiError, t: T): string {
  const status = err.bookingStatus;
  const known = ['HELD', 'PENDING_PAYMENT', 'CONFIRMED', 'EXPIRED', 'CANCELLED'];
  if (status && known.includes(status)) return t('bookingMovedOn', { status: t(`status_${status}` as StringKey) });
  return t('conflictGeneric');
}

export function describeError(err: unknown, t: T): string {
  if (!isApiError(err)) return t('genericError');
  if (err.status === 0) return t('network');
  const { code } = err;
  const wait = WAITS[code];
  if (wait) return err.retryAfter !== undefined ? t(wait, { wait: waitText(err.retryAfter, t) }) : t('busyGaveUp');
  if (code === 'NOT_ENOUGH_SEATS') return t('notEnoughSeats', { n: err.seatsLeft ?? 0 });
  if (code === 'OUTSIDE_SALES_WINDOW') return t('outsideSalesWindow', { days: SALES_WINDOW_DAYS });
  if (code === 'INVALID_TRANSITION' || code === 'BOOKING_NOT_HELD') return bookingMovedOn(err, t);
  if (code === 'OTP_INVALID' && err.attemptsLeft !== undefined)
    return err.attemptsLeft === 1 ? t('otpWrongLastTry') : t('otpWrongLeft', { n: err.attemptsLeft });
  if (FIELD_CODES[code]) return t('fieldsInvalid');
  const sentence = SENTENCES[code];
  if (sentence) return t(sentence);
  // Codes not known here: the status says enough.
  if (err.status === 429) return t('busyGaveUp');
  if (err.status === 503 || err.status === 502 || err.status === 504) return t('unavailable');
  if (err.status >= 500) return t('genericError');
  if (err.status === 400 || err.status === 413 || err.status === 414 || err.status === 422 || err.status === 431)
    return Object.keys(err.fieldErrors).length > 0 ? t('fieldsInvalid') : t('badRequest');
  if (err.status === 401) return t('signInAgain');
  if (err.status === 403) return t('forbidden');
  if (err.status === 404) return t('notFound');
  if (err.status === 409 || err.status === 410) return t('conflictGeneric');
  return t('genericError');
}

/**
 * A line for each field the server named, keyed by its name in the form (`phone`, `passengers.0.name`,
 * `cardNumber`): the forms mark those fields (aria-invalid) and show the line under them.
 */
export function fieldMessages(err: unknown, t: T): Record<string, string> {
  if (!isApiError(err)) return {};
  const out: Record<string, string> = {};
  for (const [field, serverMessage] of Object.entries(err.fieldErrors)) {
    const last = field.split('.').pop() ?? field;
    let key: StringKey;
    if (FIELD_CODES[err.code]) key = FIELD_CODES[err.code]!;
    else if (err.code === 'EMAIL_TAKEN' || err.code === 'PHONE_TAKEN')
      key = last === 'email' ? 'errEmailTaken' : last === 'phone' ? 'errPhoneTaken' : 'errInvalid';
    else if (err.code === 'OTP_INVALID') key = 'otpWrong';
    else if (serverMessage === 'is required' && last !== 'password') key = 'errRequired';
    else key = FIELD_NAMES[last] ?? 'errInvalid';
    out[field] = t(key);
  }
  return out;
}
