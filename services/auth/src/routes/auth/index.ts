/** The public auth API under /api/auth: handlers parse, call one use-case and shape the answer. */
import { Type } from '@sinclair/typebox';
import {
  JwksResponse,
  LoginBody,
  LogoutBody,
  MeResponse,
  OtpRequestBody,
  OtpRequestResponse,
  OtpVerifyBody,
  OtpVerifyResponse,
  RefreshBody,
  RegisterBody,
  RegisterResponse,
  TokenResponse,
} from '@rail/contracts/auth';
import { requireUser } from '@rail/auth-verify';
import { problemResponses, type FastifyPluginAsyncTypebox } from '@rail/http';
import type { UseCaseDeps } from '../../deps.js';
import type { SigningKeys } from '../../security/signing-keys.js';
import { getMe } from '../../use-cases/get-me.js';
import { login } from '../../use-cases/login.js';
import { logout } from '../../use-cases/logout.js';
import { refresh } from '../../use-cases/refresh.js';
import { register } from '../../use-cases/register.js';
import { requestOtp } from '../../use-cases/request-otp.js';
import { verifyOtp } from '../../use-cases/verify-otp.js';

export interface AuthRoutesOptions {
  deps: UseCaseDeps;
  keys: SigningKeys;
}

const tags = ['auth'];

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, { deps, keys }) => {
  app.post(
    '/register',
    {
      schema: {
        tags,
        summary: 'Create an account',
        body: RegisterBody,
        response: { 201: RegisterResponse, ...problemResponses(400, 409, 503) },
      },
    },
    async (request, reply) => reply.status(201).send({ user: await register(deps, request.body) }),
  );

  app.post(
    '/login',
    {
      schema: {
        tags,
        summary: 'Sign in with e-mail and password',
        body: LoginBody,
        response: { 200: TokenResponse, ...problemResponses(400, 401, 429, 503) },
      },
    },
    async (request) => login(deps, request.body, request.ip),
  );

  app.post(
    '/refresh',
    {
      schema: {
        tags,
        summary: 'Exchange a refresh token for new tokens (the old refresh token is spent)',
        body: RefreshBody,
        response: { 200: TokenResponse, ...problemResponses(400, 401) },
      },
    },
    async (request) => refresh(deps, request.body.refreshToken),
  );

  app.post(
    '/logout',
    {
      schema: {
        tags,
        summary: 'End the session of a refresh token',
        body: LogoutBody,
        response: { 204: Type.Null(), ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      await logout(deps, request.body.refreshToken);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      onRequest: app.authenticate,
      schema: {
        tags,
        summary: 'The signed-in user',
        security: [{ bearer: [] }],
        response: { 200: MeResponse, ...problemResponses(401) },
      },
    },
    async (request) => ({ user: await getMe(deps, requireUser(request).id) }),
  );

  app.post(
    '/otp/request',
    {
      schema: {
        tags,
        summary: 'Send a one-time code to a phone',
        body: OtpRequestBody,
        response: { 202: OtpRequestResponse, ...problemResponses(400, 429, 503) },
      },
    },
    async (request, reply) =>
      reply.status(202).send(await requestOtp(deps, request.body, { clientAddress: request.ip, requestId: request.id })),
  );

  app.post(
    '/otp/verify',
    {
      schema: {
        tags,
        summary: 'Check a one-time code',
        body: OtpVerifyBody,
        response: { 200: OtpVerifyResponse, ...problemResponses(400, 404, 409, 410, 429) },
      },
    },
    async (request) => verifyOtp(deps, request.body),
  );

  const jwks = { keys: keys.publicKeys };
  app.get(
    '/.well-known/jwks.json',
    {
      schema: { tags, summary: 'Public keys that verify access tokens (JWKS)', response: { 200: JwksResponse } },
    },
    async (_request, reply) => {
      reply.header('cache-control', `public, max-age=${deps.config.JWKS_MAX_AGE_SECONDS}`);
      return jwks;
    },
  );
};
