// describeError: the Idempotency-Key protocol's codes read the same, in both languages, from every service.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api/errors.js';
import { translate } from '../src/i18n/i18n.js';
import { describeError } from '../src/lib/errors.js';
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
