/**
 * Routes under /api/notifications: the internal send endpoints (OTP, e-ticket), the e-ticket verification
 * key for checkers, the signed e-ticket QR for its owner, and the development inbox (not registered in production, so it answers 404 there).
 */
import { problemResponses, type FastifyPluginAsyncTypebox } from '@rail/http';
import { requireUser } from '@rail/auth-verify';
import {
  InboxQuery,
  InboxResponse,
  SendConfirmationBody,
  SendOtpBody,
  SendResponse,
  TicketParams,
  TicketQrResponse,
} from '@rail/contracts/notification';
import { Type } from '@sinclair/typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { Logger } from '@rail/logger';
import type { UseCaseDeps } from '../../deps.js';
import { readInbox } from '../../use-cases/read-inbox.js';
import { readTicket } from '../../use-cases/read-ticket.js';
import { sendOtp } from '../../use-cases/send-otp.js';
import { sendTicket } from '../../use-cases/send-ticket.js';
import { internalTokenGuard, INTERNAL_TOKEN_HEADER } from './internal-token.js';

export interface NotificationRoutesOptions {
  deps: UseCaseDeps;
  internalToken: string;
  inboxEnabled: boolean;
}

/** Logs of a send carry the request id: Fastify's request logger is the pino child of the service logger. */
function withRequestLog(deps: UseCaseDeps, log: FastifyBaseLogger): UseCaseDeps {
  return { ...deps, logger: log as Logger };
}

const InternalHeaders = Type.Object({ [INTERNAL_TOKEN_HEADER]: Type.Optional(Type.String()) });

export const notificationRoutes: FastifyPluginAsyncTypebox<NotificationRoutesOptions> = async (app, options) => {
  const { deps } = options;
  const internalOnly = internalTokenGuard(options.internalToken);

  app.post(
    '/send-otp',
    {
      onRequest: internalOnly,
      schema: {
        tags: ['internal'],
        summary: 'Send a one-time code by SMS (internal: requires x-internal-token); once per requestId',
        headers: InternalHeaders,
        body: SendOtpBody,
        response: { 200: SendResponse, ...problemResponses(400, 401) },
      },
    },
    (request) => sendOtp(withRequestLog(deps, request.log), request.body),
  );

  app.post(
    '/send-confirmation',
    {
      onRequest: internalOnly,
      schema: {
        tags: ['internal'],
        summary: 'Send the e-ticket by SMS and e-mail (internal: requires x-internal-token); once per booking',
        headers: InternalHeaders,
        body: SendConfirmationBody,
        response: { 200: SendResponse, ...problemResponses(400, 401) },
      },
    },
    (request) => sendTicket(withRequestLog(deps, request.log), request.body),
  );

  app.get(
    '/ticket-key',
    {
      schema: {
        tags: ['tickets'],
        summary: 'The public key (Ed25519 JWK) ticket checkers use to verify e-ticket QR codes offline',
        response: { 200: Type.Object({ kty: Type.String(), crv: Type.String(), x: Type.String() }) },
      },
    },
    async () => {
      const jwk = deps.tickets.publicJwk();
      return { kty: String(jwk.kty), crv: String(jwk.crv), x: String(jwk.x) };
    },
  );

  app.get(
    '/tickets/:bookingId',
    {
      onRequest: app.authenticate,
      schema: {
        tags: ['tickets'],
        summary:
          "The booking's signed e-ticket QR payload (owner only; 404 for other users and cancelled bookings; a confirmed booking's missing ticket is re-issued)",
        security: [{ bearer: [] }],
        params: TicketParams,
        response: { 200: TicketQrResponse, ...problemResponses(400, 401, 404, 503) },
      },
    },
    (request) =>
      readTicket(
        deps,
        { id: requireUser(request).id, authorization: request.headers.authorization ?? '' },
        request.params.bookingId,
      ),
  );

  if (options.inboxEnabled) {
    app.get(
      '/inbox',
      {
        schema: {
          tags: ['development'],
          summary: 'Development only: messages sent to a phone number or e-mail address, newest first',
          querystring: InboxQuery,
          response: { 200: InboxResponse, ...problemResponses(400) },
        },
      },
      (request) => readInbox(deps, request.query.to),
    );
  }
};
