/**
 * The waiting room's pass: a short-lived token the queue service signs when it admits a user to a sale, and
 * that booking and train verify locally (no call, like an access token) on the hot endpoints of that sale.
 *
 * Compact form `v1.<kid>.<b64url(JSON claims)>.<b64url(HMAC-SHA256)>`; the MAC covers `v1.<kid>.<payload>`.
 * Keys come from QUEUE_PASS_SECRET = "kid1:secret1,kid2:secret2": the first signs, every one verifies, so a
 * key is rotated by putting the new one first and removing the old one after the longest pass lifetime.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export interface PassKey {
  readonly kid: string;
  readonly secret: Buffer;
}

export interface PassKeys {
  /** The key new passes are signed with (the first of the list). */
  readonly signing: PassKey;
  readonly byKid: ReadonlyMap<string, PassKey>;
}

export interface PassClaims {
  /** The user id (the access token's `sub`). */
  sub: string;
  /** The sale's date, YYYY-MM-DD. */
  sale: string;
  /** Expiry, epoch milliseconds. */
  expMs: number;
  /** The pass's id: what the queue service records when a pass ends early (bought, left). */
  jti: string;
}

export type PassFailure = 'malformed' | 'bad-signature' | 'unknown-key' | 'expired' | 'wrong-user' | 'wrong-sale';

export type PassVerification = { ok: true; claims: PassClaims } | { ok: false; reason: PassFailure };

export const MIN_PASS_SECRET_LENGTH = 32;
const KID = /^[A-Za-z0-9_-]{1,32}$/;
const VERSION = 'v1';
const SALE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses QUEUE_PASS_SECRET ("kid1:secret1,kid2:secret2"); throws on a short secret, a bad or repeated kid. */
export function parsePassKeys(raw: string): PassKeys {
  const entries = raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (entries.length === 0) throw new Error('QUEUE_PASS_SECRET: expected "kid:secret[,kid:secret...]"');
  const byKid = new Map<string, PassKey>();
  const keys: PassKey[] = [];
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    if (colon <= 0) throw new Error('QUEUE_PASS_SECRET: every key is "kid:secret"');
    const kid = entry.slice(0, colon);
    const secret = entry.slice(colon + 1);
    if (!KID.test(kid)) throw new Error(`QUEUE_PASS_SECRET: key id "${kid}" must match ${KID.source}`);
    if (secret.length < MIN_PASS_SECRET_LENGTH) {
      throw new Error(`QUEUE_PASS_SECRET: the secret of key "${kid}" is shorter than ${MIN_PASS_SECRET_LENGTH} characters`);
    }
    if (byKid.has(kid)) throw new Error(`QUEUE_PASS_SECRET: key id "${kid}" appears twice`);
    const key: PassKey = { kid, secret: Buffer.from(secret, 'utf8') };
    byKid.set(kid, key);
    keys.push(key);
  }
  return Object.freeze({ signing: keys[0]!, byKid });
}

function mac(key: PassKey, signed: string): Buffer {
  return createHmac('sha256', key.secret).update(signed).digest();
}

export interface SignPassInput {
  sub: string;
  sale: string;
  expMs: number;
  jti?: string;
}

export function signPass(keys: PassKeys, input: SignPassInput): string {
  const claims: PassClaims = { sub: input.sub, sale: input.sale, expMs: Math.floor(input.expMs), jti: input.jti ?? randomUUID() };
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  const signed = `${VERSION}.${keys.signing.kid}.${payload}`;
  return `${signed}.${mac(keys.signing, signed).toString('base64url')}`;
}

function parseClaims(payload: string): PassClaims | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const c = value as Record<string, unknown>;
  if (typeof c.sub !== 'string' || c.sub === '') return undefined;
  if (typeof c.sale !== 'string' || !SALE.test(c.sale)) return undefined;
  if (typeof c.expMs !== 'number' || !Number.isFinite(c.expMs)) return undefined;
  if (typeof c.jti !== 'string' || c.jti === '') return undefined;
  return { sub: c.sub, sale: c.sale, expMs: c.expMs, jti: c.jti };
}

export interface VerifyPassExpect {
  userId: string;
  sale: string;
  nowMs: number;
}

/**
 * Checks the form, the key, the MAC (constant time) and then the claims against the request: the signature is
 * checked before anything inside the payload is trusted.
 */
export function verifyPass(keys: PassKeys, token: string, expect: VerifyPassExpect): PassVerification {
  if (typeof token !== 'string' || token.length > 1024) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 4) return { ok: false, reason: 'malformed' };
  const [version, kid, payload, signature] = parts as [string, string, string, string];
  if (version !== VERSION || !KID.test(kid) || payload === '' || signature === '') return { ok: false, reason: 'malformed' };
  const key = keys.byKid.get(kid);
  if (!key) return { ok: false, reason: 'unknown-key' };
  const given = Buffer.from(signature, 'base64url');
  const wanted = mac(key, `${version}.${kid}.${payload}`);
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) return { ok: false, reason: 'bad-signature' };
  const claims = parseClaims(payload);
  if (!claims) return { ok: false, reason: 'malformed' };
  if (claims.expMs <= expect.nowMs) return { ok: false, reason: 'expired' };
  if (claims.sub !== expect.userId) return { ok: false, reason: 'wrong-user' };
  if (claims.sale !== expect.sale) return { ok: false, reason: 'wrong-sale' };
  return { ok: true, claims };
}
