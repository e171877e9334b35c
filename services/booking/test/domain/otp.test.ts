/** Booking OTPs: a peppered hash bound to the booking, and the masked phone shown to the user. */
import { describe, expect, it } from 'vitest';
import { generateOtp, hashOtp, maskPhone, otpMatches } from '../../src/domain/otp.js';

describe('booking OTPs', () => {
  it('stores only a peppered hash bound to the booking', () => {
    const otp = generateOtp();
    expect(otp).toMatch(/^\d{6}$/);
    const hash = hashOtp('pepper-pepper-pepper', 'b1', otp);
    expect(otpMatches('pepper-pepper-pepper', 'b1', otp, hash)).toBe(true);
    expect(otpMatches('pepper-pepper-pepper', 'b2', otp, hash)).toBe(false);
    expect(otpMatches('other-pepper-pepper', 'b1', otp, hash)).toBe(false);
    expect(maskPhone('+8801712345678')).toBe('+88017*****678');
  });
});
