/**
 * Local verification of access tokens for every service: EdDSA JWTs checked against the auth service's
 * JWKS (fetched once and cached; refetched only for an unknown `kid`, with a cooldown), with issuer,
 * audience, expiry and algorithm pinned. No call to the auth service per request.
 */
import fp from 'fastify-plugin';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
} from 'jose';
import { UnauthorizedError } from '@rail/errors';

export const ACCESS_TOKEN_ALGORITHMS = ['EdDSA'];
/** Header carrying a user id in tests only; refused everywhere else. */
export const TEST_USER_HEADER = 'x-test-user-id';

export interface AuthUser {
  id: string;
  email?: string;
  phone?: string;
  name?: string;
}

export interface AuthVerifyOptions {
  issuer: string;
  audience: string;
  /** Where to fetch the JWKS (production); or `jwks` for a key set held in memory (the auth service itself, tests). */
  jwksUrl?: string;
  jwks?: JSONWebKeySet;
  nodeEnv: 'development' | 'test' | 'production';
  /** Accept TEST_USER_HEADER as the identity. Only allowed when nodeEnv is `test`. */
  allowTestHeader?: boolean;
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
  const user: AuthUser = { id: payload.sub };
  if (typeof payload.email === 'string') user.email = payload.email;
  if (typeof payload.phone === 'string') user.phone = payload.phone;
  if (typeof payload.name === 'string') user.name = payload.name;
  return user;
}

export const authVerify = fp<AuthVerifyOptions>(
  async (app, options) => {
    if (options.allowTestHeader && options.nodeEnv !== 'test') {
      throw new Error(`The ${TEST_USER_HEADER} header may only be enabled when NODE_ENV=test`);
    }
    let keySet;
    if (options.jwks) keySet = createLocalJWKSet(options.jwks);
    else if (options.jwksUrl) {
      keySet = createRemoteJWKSet(new URL(options.jwksUrl), {
        cacheMaxAge: 10 * 60_000,
        cooldownDuration: 30_000,
        timeoutDuration: 3_000,
      });
    } else throw new Error('authVerify needs jwksUrl or jwks');

    app.decorateRequest('user', null);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const testUser = request.headers[TEST_USER_HEADER];
      if (typeof testUser === 'string' && options.allowTestHeader) {
        request.user = { id: testUser, phone: '+8801700000000' };
        return;
      }
      const header = request.headers.authorization;
      if (typeof header !== 'string' || !/^Bearer\s+\S+$/i.test(header)) {
        throw new UnauthorizedError('Send an access token as "Authorization: Bearer <token>"', 'TOKEN_MISSING');
      }
      const token = header.replace(/^Bearer\s+/i, '');
      try {
        const { payload } = await jwtVerify(token, keySet, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ACCESS_TOKEN_ALGORITHMS,
          requiredClaims: ['sub', 'exp', 'iat'],
          clockTolerance: 5,
        });
        request.user = userFromPayload(payload);
      } catch (err) {
        if (err instanceof UnauthorizedError) throw err;
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
