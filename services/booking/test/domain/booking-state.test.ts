/** The booking state machine: every allowed move, idempotent repeats, and typed refusals. */
import { describe, expect, it } from 'vitest';
import { InvalidTransitionError, transition } from '../../src/domain/booking-state.js';

describe('booking state machine', () => {
  it.each([
    ['HELD', 'verifyOtp', 'PENDING_PAYMENT'],
    ['PENDING_PAYMENT', 'pay', 'CONFIRMED'],
    ['HELD', 'expire', 'EXPIRED'],
    ['PENDING_PAYMENT', 'expire', 'EXPIRED'],
    ['HELD', 'release', 'CANCELLED'],
    ['PENDING_PAYMENT', 'release', 'CANCELLED'],
    ['CONFIRMED', 'cancel', 'CANCELLED'],
  ] as const)('%s --%s--> %s', (from, action, to) => {
    expect(transition(from, action)).toEqual({ from, to, changed: true });
  });

  it.each([
    ['PENDING_PAYMENT', 'verifyOtp'],
    ['CONFIRMED', 'pay'],
    ['EXPIRED', 'expire'],
    ['CANCELLED', 'release'],
    ['CANCELLED', 'cancel'],
  ] as const)('repeating %s %s is a no-op', (from, action) => {
    expect(transition(from, action)).toEqual({ from, to: from, changed: false });
  });

  it.each([
    ['HELD', 'pay'],
    ['EXPIRED', 'pay'],
    ['CONFIRMED', 'expire'],
    ['CONFIRMED', 'release'],
    ['HELD', 'cancel'],
    ['EXPIRED', 'verifyOtp'],
    ['CANCELLED', 'verifyOtp'],
  ] as const)('refuses %s %s with a typed 409', (from, action) => {
    const attempt = () => transition(from, action);
    expect(attempt).toThrow(InvalidTransitionError);
    expect(attempt).toThrow(expect.objectContaining({ status: 409, code: 'INVALID_TRANSITION' }));
  });
});
