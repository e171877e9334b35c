/** Booking OTPs: 6 random digits, stored only as an HMAC-SHA256 under a server-side pepper. */
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

export const MAX_OTP_ATTEMPTS = 5;
export const MAX_OTP_SENDS = 3;

export function generateOtp(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** Bound to the booking so a hash from one booking is useless for another. */
export function hashOtp(pepper: string, bookingId: string, otp: string): string {
  return createHmac('sha256', pepper).update(`${bookingId}:${otp}`).digest('hex');
}

export function otpMatches(pepper: string, bookingId: string, otp: string, storedHash: string): boolean {
  const a = Buffer.from(hashOtp(pepper, bookingId, otp), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** +8801712345678 -> +88017*****678: enough for the user to recognise, useless to anyone else. */
export function maskPhone(phone: string): string {
  if (phone.length <= 6) return '*'.repeat(phone.length);
  return phone.slice(0, 6) + '*'.repeat(Math.max(0, phone.length - 9)) + phone.slice(-3);
}
