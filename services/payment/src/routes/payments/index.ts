/** /api/payments: initiate, verify and read payments. Handlers only parse, call a use-case and map the result. */
import { requireUser } from '@rail/auth-verify';
import { problemResponses, type FastifyPluginAsyncTypebox } from '@rail/http';
import {
  InitiatePaymentBody,
  InitiatePaymentResponse,
  PaymentIdParams,
  PaymentView,
  VerifyPaymentBody,
  VerifyPaymentResponse,
} from '@rail/contracts/payment';
import type { Pool } from '@rail/db';
import { IDEMPOTENT_REPLAYED_HEADER, IdempotencyKeyHeaders, readIdempotencyKey } from '@rail/idempotency';
import type { Logger } from '@rail/logger';
import type { BookingClient } from '../../clients/booking-client.js';
import type { PaymentProvider } from '../../provider/provider.js';
import { initiatePayment } from '../../use-cases/initiate-payment.js';
import { verifyPayment } from '../../use-cases/verify-payment.js';
import { getPayment } from '../../use-cases/get-payment.js';

export interface PaymentRoutesOptions {
  pool: Pool;
  bookings: BookingClient;
  provider: PaymentProvider;
  providerTimeoutMs?: number;
  logger: Logger;
  outbox?: { wake(): void };
}

const security = [{ bearer: [] }];

export const paymentRoutes: FastifyPluginAsyncTypebox<PaymentRoutesOptions> = async (app, options) => {
  app.addHook('onRequest', app.authenticate);
  // Paying completes a purchase already under way: refused for load only when the process is far more overloaded
  // than it is for new work (packages/http/src/overload.ts).
  const finish = { config: { overload: 'finish' as const } };

  app.post(
    '/initiate',
    {
      ...finish,
      schema: {
        summary: 'Start paying a booking awaiting payment (idempotent per booking)',
        security,
        body: InitiatePaymentBody,
        response: {
          200: InitiatePaymentResponse,
          201: InitiatePaymentResponse,
          ...problemResponses(400, 401, 404, 409, 429, 503),
        },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const { payment, created } = await initiatePayment(
        { pool: options.pool, bookings: options.bookings },
        { userId: user.id, bookingId: request.body.bookingId },
      );
      return reply.status(created ? 201 : 200).send(payment);
    },
  );

  app.post(
    '/verify',
    {
      ...finish,
      // The key is checked here (400 IDEMPOTENCY_KEY_INVALID) and claimed by the use-case, whose second
      // transaction stores the answer together with the outcome.
      preValidation: readIdempotencyKey,
      schema: {
        summary: 'Pay a payment with a card or mobile wallet (idempotent with Idempotency-Key)',
        security,
        headers: IdempotencyKeyHeaders,
        body: VerifyPaymentBody,
        response: { 200: VerifyPaymentResponse, ...problemResponses(400, 401, 404, 409, 422, 429, 503) },
      },
    },
    async (request, reply) => {
      const user = requireUser(request);
      const { response, replayed } = await verifyPayment(
        {
          pool: options.pool,
          provider: options.provider,
          providerTimeoutMs: options.providerTimeoutMs,
          logger: options.logger.child({ requestId: request.id }),
        },
        {
          userId: user.id,
          body: request.body,
          idempotencyKey: request.idempotencyKey,
          eventHeaders: { requestId: request.id },
        },
      );
      if (replayed) reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
      else options.outbox?.wake();
      return reply.status(200).send(response);
    },
  );

  app.get(
    '/:id',
    {
      ...finish,
      schema: {
        summary: 'Read one of your payments',
        security,
        params: PaymentIdParams,
        response: { 200: PaymentView, ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => getPayment({ pool: options.pool }, { userId: requireUser(request).id, paymentId: request.params.id }),
  );
};
