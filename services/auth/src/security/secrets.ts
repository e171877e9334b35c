/**
 * Secrets that are stored only as hashes: OTP codes (HMAC-SHA256 with a pepper from configuration, since
 * a 6-digit code is trivially brute-forced from a plain hash) and refresh tokens (256 random bits, so a
 * plain SHA-256 suffices).
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export function generateOtpCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, '0');
}

/** Binds the code to its request id, so one leaked hash cannot be replayed against another request. */
export function hashOtpCode(pepper: string, requestId: string, code: string): Buffer {
  return createHmac('sha256', pepper).update(`${requestId}:${code}`).digest();
}

export function otpCodeMatches(pepper: string, requestId: string, code: string, storedHash: Buffer): boolean {
  const candidate = hashOtpCode(pepper, requestId, code);
  return candidate.length === storedHash.length && timingSafeEqual(candidate, storedHash);
}

export function generateRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
