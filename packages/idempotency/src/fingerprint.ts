/**
 * Request fingerprints: a salted SHA-256 of the operation and the request's canonical JSON, so the same
 * request always matches whatever its key order, and a stored fingerprint never holds the body (it may carry a
 * card number) nor, being salted, can be looked up in a precomputed table.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export interface Fingerprint {
  operation: string;
  /** Random per claim; it also identifies the claim, so only its holder may answer or release it. */
  salt: Buffer;
  hash: Buffer;
}

/** JSON with object keys sorted and undefined members left out, so that the same request always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function digest(salt: Buffer, operation: string, request: unknown): Buffer {
  return createHash('sha256').update(salt).update(operation).update('\n').update(canonicalJson(request)).digest();
}

export function createFingerprint(operation: string, request: unknown): Fingerprint {
  const salt = randomBytes(16);
  return { operation, salt, hash: digest(salt, operation, request) };
}

/** Whether `request` for `operation` is the request `stored` was taken from. */
export function fingerprintMatches(stored: Pick<Fingerprint, 'salt' | 'hash'>, operation: string, request: unknown): boolean {
  const hash = digest(stored.salt, operation, request);
  return hash.length === stored.hash.length && timingSafeEqual(hash, stored.hash);
}
