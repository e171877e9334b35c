/**
 * Local verification of access tokens for every service: EdDSA JWTs checked against the auth service's
 * JWKS (fetched once and cached; refreshed in the background, refetched for an unknown `kid` with a
 * cooldown, and kept while the auth service is away), with issuer, audience, expiry and algorithm pinned.
 * No call to the auth service per request. A bad token is a 401 problem; keys that cannot be had at all
 * are a 503 (the token may well be valid).
 *
 * Stricter than the JWS/JWT defaults, so that one signed token has exactly one accepted spelling and a
 * bounded life (see docs/auth.md "Access tokens"):
 * - each segment must be canonical unpadded base64url (decode then re-encode gives it back): decoders
 *   ignore the unused low bits of the last character and trailing `=`, so without this one signature
 *   had 16 spellings (and more with padding), each a different string to caches and rate limits;
 * - `aud` must be exactly the configured audience (a string, or an array holding only it);
 * - `iat` is required, at most the clock skew in the future, and neither the token's age (now - iat) nor
 *   its lifetime (exp - iat) may exceed the maximum token age.
 */
import fp from 'fastify-plugin';
import { LRUCache } from 'lru-cache';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  createLocalJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { ServiceUnavailableError, UnauthorizedError } from '@rail/errors';
import { createRemoteJwks, JwksUnavailableError } from './jwks.js';

export { createRemoteJwks, JwksUnavailableError, type RemoteJwks, type RemoteJwksOptions } from './jwks.js';

export const ACCESS_TOKEN_ALGORITHMS = ['EdDSA'];
/**
 * The longest an access token may live (exp - iat) or be used (now - iat), in seconds. The auth service's
 * ACCESS_TOKEN_TTL_SECONDS may not exceed it, so every token it issues verifies for its whole life.
 */
export const ACCESS_TOKEN_MAX_AGE_SECONDS = 15 * 60;
/** How far the clocks of the auth service and a verifying service may disagree, in seconds (exp, nbf, iat). */
export const CLOCK_SKEW_SECONDS = 30;
/** Header carrying a user id in tests only; refused everywhere else. */
export const TEST_USER_HEADER = 'x-test-user-id';

export interface AuthUser {
  id: string;
  email?: string;
  phone?: string;
  name?: string;
  /** The account's roles (`admin` for the waiting room's operators); empty for travellers and tokens without `roles`.
   * Always set by `authenticate`; optional in the type so users built by hand (tests, events) need not name it. */
  roles?: string[];
}

/** A role name as the auth service stores it: lower-case letters, digits and dashes. */
const ROLE = /^[a-z][a-z0-9-]{0,31}$/;
const MAX_ROLES = 16;

export interface AuthVerifyOptions {
  issuer: string;
  audience: string;
  /** Where to fetch the JWKS (production); or `jwks` for a key set held in memory (the auth service itself, tests). */
  jwksUrl?: string;
  jwks?: JSONWebKeySet;
  nodeEnv: 'development' | 'test' | 'production';
  /** Accept TEST_USER_HEADER as the identity. Only allowed when nodeEnv is `test`. */
  allowTestHeader?: boolean;
  /** Remote JWKS tuning (ms): background refresh age (10 min), refetch cooldown (30 s), fetch timeout (3 s). */
  jwksMaxAgeMs?: number;
  jwksCooldownMs?: number;
  jwksTimeoutMs?: number;
  /**
   * How many verified tokens to remember until their expiry (default 10,000; 0 turns it off). A token is
   * accepted from memory only before its `exp`; after a key is withdrawn, tokens it signed keep working
   * until they expire (at most the access-token lifetime), as with any stateless JWT.
   */
  verifiedTokenCacheSize?: number;
  /** Maximum token age and lifetime from `iat` (seconds; default ACCESS_TOKEN_MAX_AGE_SECONDS). */
  maxTokenAgeSeconds?: number;
  /** Clock skew tolerated on exp, nbf and iat (seconds; default CLOCK_SKEW_SECONDS). */
  clockSkewSeconds?: number;
}

declare module 'fastify' {
  interface FastifyRequest {
    user: AuthUser | null;
  }
  interface FastifyInstance {
    /** onRequest/preHandler hook: 401 unless the request carries a valid access token. */
    authenticate: (request: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
}

/** The authenticated user of a request that passed `authenticate`. */
export function requireUser(request: FastifyRequest): AuthUser {
  if (!request.user) throw new UnauthorizedError();
  return request.user;
}

function userFromPayload(payload: JWTPayload): AuthUser {
  if (typeof payload.sub !== 'string' || payload.sub.length === 0)
    throw new UnauthorizedError('The token has no subject', 'TOKEN_INVALID');
  const { roles } = payload;
  // Absent is no roles; present must be a short array of distinct role names (one token, one meaning).
  if (
    roles !== undefined &&
    !(
      Array.isArray(roles) &&
      roles.length <= MAX_ROLES &&
      roles.every((role) => typeof role === 'string' && ROLE.test(role)) &&
      new Set(roles).size === roles.length
    )
  )
    throw new UnauthorizedError('The token has malformed roles', 'TOKEN_INVALID');
  const user: AuthUser = { id: payload.sub, roles: roles === undefined ? [] : [...(roles as string[])] };
  if (typeof payload.email === 'string') user.email = payload.email;
  if (typeof payload.phone === 'string') user.phone = payload.phone;
  if (typeof payload.name === 'string') user.name = payload.name;
  return user;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** A compact JWS whose three segments are each canonical unpadded base64url (the only spelling accepted). */
export function isCanonicalCompactJws(token: string): boolean {
  const segments = token.split('.');
  return (
    segments.length === 3 &&
    segments.every(
      (segment) =>
        segment.length > 0 && BASE64URL.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment,
    )
  );
}

/** `aud` is exactly the audience: the string itself, or an array holding only it. */
function hasExactAudience(payload: JWTPayload, audience: string): boolean {
  const { aud } = payload;
  return aud === audience || (Array.isArray(aud) && aud.length === 1 && aud[0] === audience);
}

export const authVerify = fp<AuthVerifyOptions>(
  async (app, options) => {
    if (options.allowTestHeader && options.nodeEnv !== 'test') {
      throw new Error(`The ${TEST_USER_HEADER} header may only be enabled when NODE_ENV=test`);
    }
    let keySet: JWTVerifyGetKey;
    if (options.jwks) keySet = createLocalJWKSet(options.jwks);
    else if (options.jwksUrl) {
      const remote = createRemoteJwks({
        url: options.jwksUrl,
        maxAgeMs: options.jwksMaxAgeMs,
        cooldownMs: options.jwksCooldownMs,
        timeoutMs: options.jwksTimeoutMs,
      });
      keySet = remote.getKey;
      // Warm the cache so the first requests do not wait; if auth is not up yet, the first request retries.
      app.addHook('onReady', async () => {
        remote.refresh().catch((err: unknown) => app.log.warn({ err }, 'JWKS not reachable yet; will retry on demand'));
      });
    } else throw new Error('authVerify needs jwksUrl or jwks');

    // Verified tokens, remembered until they expire: the signature check is the largest single cost of an
    // authenticated request on the hot path, and one traveller sends many requests with the same token.
    // Keyed by the whole token string, so any change to it misses; only successful verifications are kept.
    // lru-cache keeps the most used tokens and drops each one at its own `exp` (a per-entry TTL), timed by
    // the wall clock read on every get (`perf`, `ttlResolution: 0`) because `exp` is wall-clock time, as the
    // signature check reads it.
    // Only canonical tokens reach it (checked first), so one signed token is one key.
    // Size: a token lives at most 15 minutes, so this is how many travellers one process remembers in that time.
    // 10,000 was smaller than one process's share of a rush (bench:select with 20,000 users evicted every token
    // before it came back, and the Ed25519 check, ~115 us, was half of a losing select's CPU); an entry is about
    // 0.5 KB (the token and its user), so 50,000 cost some 25 MB.
    const cacheSize = options.verifiedTokenCacheSize ?? 50_000;
    const maxTokenAge = options.maxTokenAgeSeconds ?? ACCESS_TOKEN_MAX_AGE_SECONDS;
    const clockSkew = options.clockSkewSeconds ?? CLOCK_SKEW_SECONDS;
    const verified =
      cacheSize > 0
        ? new LRUCache<string, AuthUser>({ max: cacheSize, ttl: 1, ttlResolution: 0, perf: { now: () => Date.now() } })
        : null;

    app.decorateRequest('user', null);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const testUser = request.headers[TEST_USER_HEADER];
      if (typeof testUser === 'string' && options.allowTestHeader) {
        request.user = { id: testUser, phone: '+8801700000000', roles: [] };
        return;
      }
      const header = request.headers.authorization;
      if (typeof header !== 'string' || !/^Bearer\s+\S+$/i.test(header)) {
        throw new UnauthorizedError('Send an access token as "Authorization: Bearer <token>"', 'TOKEN_MISSING');
      }
      const token = header.replace(/^Bearer\s+/i, '');
      if (!isCanonicalCompactJws(token)) throw new UnauthorizedError('The access token is invalid', 'TOKEN_INVALID');
      const hit = verified?.get(token);
      if (hit) {
        request.user = { ...hit, roles: [...(hit.roles ?? [])] };
        return;
      }
      try {
        const { payload } = await jwtVerify(token, keySet, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ACCESS_TOKEN_ALGORITHMS,
          requiredClaims: ['sub', 'exp', 'iat'],
          clockTolerance: clockSkew,
          maxTokenAge,
        });
        if (!hasExactAudience(payload, options.audience))
          throw new UnauthorizedError('The access token is not for this audience alone', 'TOKEN_INVALID');
        // jose checks the age now; a token minted to live longer than the maximum is refused outright.
        if ((payload.exp as number) - (payload.iat as number) > maxTokenAge)
          throw new UnauthorizedError('The access token lives longer than allowed', 'TOKEN_INVALID');
        request.user = userFromPayload(payload);
        const ttl = typeof payload.exp === 'number' ? payload.exp * 1000 - Date.now() : 0;
        if (verified && ttl > 0) verified.set(token, { ...request.user, roles: [...(request.user.roles ?? [])] }, { ttl });
      } catch (err) {
        if (err instanceof UnauthorizedError) throw err;
        if (err instanceof JwksUnavailableError) {
          request.log.warn({ err }, 'cannot verify access token: JWKS unavailable');
          throw new ServiceUnavailableError('Sign-in cannot be checked right now; try again shortly', 2, 'AUTH_KEYS_UNAVAILABLE');
        }
        if (err instanceof joseErrors.JWTExpired) throw new UnauthorizedError('The access token has expired', 'TOKEN_EXPIRED');
        if (err instanceof joseErrors.JOSEError || err instanceof TypeError) {
          throw new UnauthorizedError('The access token is invalid', 'TOKEN_INVALID');
        }
        throw err;
      }
    });
  },
  { name: '@rail/auth-verify', fastify: '5.x' },
);
