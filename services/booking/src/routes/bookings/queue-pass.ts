/**
 * The waiting room's part of the hot routes' HTTP surface: the X-Queue-Pass header (documented, and read as
 * sent: a malformed pass is a 403, not a 400) and the 403 QUEUE_REQUIRED body in the OpenAPI document.
 */
import { SaleDate } from '@rail/contracts/queue';
import { ProblemSchema } from '@rail/http';
import { IdempotencyKeyHeaders } from '@rail/idempotency';
import { QUEUE_PASS_HEADER } from '@rail/queue-pass';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';

/** Idempotency-Key and X-Queue-Pass. */
export const HotRouteHeaders = Type.Object({
  ...IdempotencyKeyHeaders.properties,
  [QUEUE_PASS_HEADER]: Type.Optional(
    Type.String({
      description:
        "The waiting room's pass for the trip's date (join /api/queue/sales/{date}); needed only while that date's room is active",
    }),
  ),
});

/** 403: the trip's date has an active waiting room and the request has no valid pass for this user and date. */
export const QueueRequiredResponse = Type.Object(
  {
    ...ProblemSchema.properties,
    code: Type.String({ description: 'QUEUE_REQUIRED', examples: ['QUEUE_REQUIRED'] }),
    /** QueueRequiredProblem of @rail/contracts/queue; optional here so no other 403 could fail to serialize. */
    queue: Type.Optional(Type.String({ description: 'Where to queue for a pass', examples: ['/api/queue/sales/2026-12-10'] })),
    date: Type.Optional(SaleDate),
  },
  {
    additionalProperties: true,
    description: 'QUEUE_REQUIRED: queue at `queue` for a pass, then send it as X-Queue-Pass (RFC 9457 problem details)',
  },
);

/** The pass as sent, if one was (a header repeated is malformed, like any other bad pass). */
export function passOf(request: FastifyRequest): string | undefined {
  const value = request.headers[QUEUE_PASS_HEADER];
  return typeof value === 'string' ? value : undefined;
}
