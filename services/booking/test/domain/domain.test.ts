import { describe, expect, it } from 'vitest';
import { InvalidTransitionError, transition } from '../../src/domain/booking-state.js';
import { legMask, maskToRange, masksOverlap } from '../../src/domain/legs.js';
import { generateOtp, hashOtp, maskPhone, otpMatches } from '../../src/domain/otp.js';
import { generateReference, isReference } from '../../src/domain/reference.js';
import { loadBookingConfig } from '../../src/config.js';

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

describe('leg masks', () => {
  it('covers legs [from, to) and detects overlap only when legs are shared', () => {
    expect(legMask(0, 4)).toBe(0b1111);
    expect(legMask(1, 3)).toBe(0b0110);
    expect(masksOverlap(legMask(0, 1), legMask(1, 2))).toBe(false);
    expect(masksOverlap(legMask(0, 2), legMask(1, 2))).toBe(true);
    expect(legMask(0, 31)).toBe(2 ** 31 - 1);
    expect(maskToRange(legMask(2, 5))).toEqual({ fromIndex: 2, toIndex: 5 });
    expect(() => legMask(2, 2)).toThrow(RangeError);
    expect(() => legMask(0, 32)).toThrow(RangeError);
  });
});

describe('OTP and references', () => {
  it('stores only a peppered hash bound to the booking', () => {
    const otp = generateOtp();
    expect(otp).toMatch(/^\d{6}$/);
    const hash = hashOtp('pepper-pepper-pepper', 'b1', otp);
    expect(otpMatches('pepper-pepper-pepper', 'b1', otp, hash)).toBe(true);
    expect(otpMatches('pepper-pepper-pepper', 'b2', otp, hash)).toBe(false);
    expect(otpMatches('other-pepper-pepper', 'b1', otp, hash)).toBe(false);
    expect(maskPhone('+8801712345678')).toBe('+88017*****678');
  });

  it('makes 8-character references without look-alike characters', () => {
    for (let i = 0; i < 100; i++) expect(isReference(generateReference())).toBe(true);
    expect(generateReference()).not.toMatch(/[01OIL]/);
  });
});

describe('config', () => {
  it('has working development defaults', () => {
    const config = loadBookingConfig({ NODE_ENV: 'development' });
    expect(config).toMatchObject({ PORT: 3003, HOLD_TTL_SECONDS: 300, REDIS_KEY_PREFIX: 'booking:', OTP_DEV_ECHO: false });
  });

  it('refuses OTP_DEV_ECHO=true in production, and missing secrets there', () => {
    const prod = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://x@db/booking_db',
      REDIS_URL: 'redis://r',
      AMQP_URL: 'amqp://mq',
      TRAIN_SERVICE_URL: 'http://train',
      AUTH_JWKS_URL: 'http://auth/jwks',
      OTP_PEPPER: 'a-long-production-pepper',
    };
    expect(loadBookingConfig(prod).OTP_DEV_ECHO).toBe(false);
    expect(() => loadBookingConfig({ ...prod, OTP_DEV_ECHO: 'true' })).toThrow(/OTP_DEV_ECHO/);
    expect(() => loadBookingConfig({ ...prod, OTP_PEPPER: '' })).toThrow(/OTP_PEPPER is required in production/);
    expect(() => loadBookingConfig({ NODE_ENV: 'development', HOLD_TTL_SECONDS: '0' })).toThrow(/HOLD_TTL_SECONDS/);
  });
});
