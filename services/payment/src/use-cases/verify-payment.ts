/**
 * Verifies (pays) a payment with a card or mobile wallet through the provider.
 *
 * The payment row is locked (SELECT ... FOR UPDATE) for the whole attempt, so two verifies of one payment run
 * one after the other: the second sees SUCCEEDED and answers the same result without a second charge. The
 * provider call carries the idempotency key `<paymentId>:<attemptNo>`; if the process dies after the charge but
 * before the commit, the attempt number is reused on the next verify and the provider returns the first charge.
 * The status change, the attempt record, the event (payment.succeeded / payment.failed, via the outbox) and
 * the Idempotency-Key answer (@rail/idempotency's PostgreSQL store, on this transaction) commit together.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ServiceUnavailableError } from '@rail/errors';
import { withTransaction, type Pool, type PoolClient } from '@rail/db';
import { claimIdempotencyKey, postgresIdempotencyStore, type IdempotencyClaim } from '@rail/idempotency';
import { enqueueEvent, type EventHeaders } from '@rail/messaging';
import type { VerifyPaymentBody, VerifyPaymentResponse } from '@rail/contracts/payment';
import type { Logger } from '@rail/logger';
import { parseInstrument, type Instrument } from '../domain/instrument.js';
import type { ChargeResult, PaymentProvider } from '../provider/provider.js';
import { findPayment, type PaymentRow } from '../db/payments.js';

export interface VerifyPaymentDeps {
  pool: Pool;
  provider: PaymentProvider;
  logger: Logger;
  now?: () => Date;
}

export interface VerifyPaymentInput {
  userId: string;
  body: VerifyPaymentBody;
  idempotencyKey?: string;
  eventHeaders?: EventHeaders;
}

export interface VerifyPaymentResult {
  response: VerifyPaymentResponse;
  /** True when the answer is a replay of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

const OPERATION = 'payments.verify';

export async function verifyPayment(deps: VerifyPaymentDeps, input: VerifyPaymentInput): Promise<VerifyPaymentResult> {
  const instrument = parseInstrument(input.body, (deps.now ?? (() => new Date()))());

  return withTransaction(deps.pool, async (db) => {
    let claim: IdempotencyClaim | undefined;
    if (input.idempotencyKey !== undefined) {
      claim = await claimIdempotencyKey(postgresIdempotencyStore(db), {
        owner: input.userId,
        key: input.idempotencyKey,
        operation: OPERATION,
        request: input.body,
      });
      if (claim.kind === 'replay') return { response: JSON.parse(claim.response.body) as VerifyPaymentResponse, replayed: true };
    }

    const payment = await findPayment(db, input.body.paymentId, { forUpdate: true });
    if (!payment || payment.user_id !== input.userId) throw new NotFoundError('No such payment', 'PAYMENT_NOT_FOUND');

    const response = await settle(deps, db, payment, instrument, input.eventHeaders ?? {});
    if (claim?.kind === 'new') {
      await claim.complete({ status: 200, contentType: 'application/json; charset=utf-8', body: JSON.stringify(response) });
    }
    return { response, replayed: false };
  });
}

async function settle(
  deps: VerifyPaymentDeps,
  db: PoolClient,
  payment: PaymentRow,
  instrument: Instrument,
  headers: EventHeaders,
): Promise<VerifyPaymentResponse> {
  if (payment.status === 'SUCCEEDED') return { paymentId: payment.id, status: 'SUCCEEDED' };
  if (payment.status === 'REFUNDED') {
    throw new ConflictError('PAYMENT_REFUNDED', 'This payment was refunded and cannot be paid again', { paymentId: payment.id });
  }

  const attemptNo = payment.attempts + 1;
  const result = await chargeSafely(deps, {
    idempotencyKey: `${payment.id}:${attemptNo}`,
    amount: payment.amount,
    currency: 'BDT',
    instrument,
    reference: payment.booking_id,
  });

  const card = instrument.method === 'card' ? instrument : null;
  const wallet = instrument.method === 'card' ? null : instrument;
  const succeeded = result.outcome === 'succeeded';
  const reason = result.outcome === 'succeeded' ? null : result.reason;
  const retryable = result.outcome === 'succeeded' ? null : result.retryable;
  const providerReference = result.outcome === 'error' ? null : result.providerReference;

  await db.query(
    `INSERT INTO payment_attempts (id, payment_id, attempt_no, method, card_brand, card_last4, wallet_last4, outcome, reason,
       retryable, provider_reference)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      randomUUID(),
      payment.id,
      attemptNo,
      instrument.method,
      card?.brand ?? null,
      card?.last4 ?? null,
      wallet?.last4 ?? null,
      result.outcome,
      reason,
      retryable ?? false,
      providerReference,
    ],
  );
  // Conditional on the state read under the lock: a second writer can never turn one charge into two rows.
  const updated = await db.query(
    `UPDATE payments SET status = $2, method = $3, card_brand = $4, card_last4 = $5, wallet_last4 = $6,
       provider_reference = CASE WHEN $2 = 'SUCCEEDED' THEN $7 ELSE provider_reference END,
       failure_reason = $8, retryable = $9, attempts = $10, updated_at = now(),
       succeeded_at = CASE WHEN $2 = 'SUCCEEDED' THEN now() ELSE succeeded_at END
     WHERE id = $1 AND status IN ('INITIATED', 'FAILED') AND attempts = $10 - 1`,
    [
      payment.id,
      succeeded ? 'SUCCEEDED' : 'FAILED',
      instrument.method,
      card?.brand ?? null,
      card?.last4 ?? null,
      wallet?.last4 ?? null,
      providerReference,
      reason,
      retryable,
      attemptNo,
    ],
  );
  if (updated.rowCount !== 1) throw new ConflictError('PAYMENT_CONFLICT', 'The payment changed during verification; try again');

  if (result.outcome === 'succeeded') {
    await enqueueEvent(
      db,
      'payment.succeeded',
      {
        paymentId: payment.id,
        bookingId: payment.booking_id,
        userId: payment.user_id,
        amount: payment.amount,
        method: instrument.method,
        providerReference: result.providerReference,
      },
      headers,
    );
    deps.logger.info({ paymentId: payment.id, bookingId: payment.booking_id, attemptNo }, 'payment succeeded');
    return { paymentId: payment.id, status: 'SUCCEEDED' };
  }
  await enqueueEvent(
    db,
    'payment.failed',
    {
      paymentId: payment.id,
      bookingId: payment.booking_id,
      userId: payment.user_id,
      amount: payment.amount,
      reason: result.reason,
      retryable: result.retryable,
    },
    headers,
  );
  deps.logger.info({ paymentId: payment.id, attemptNo, reason: result.reason }, 'payment attempt failed');
  return { paymentId: payment.id, status: 'FAILED', reason: result.reason, retryable: result.retryable };
}

/**
 * A provider call that throws (timeout, connection reset) has an unknown outcome: the money may have moved.
 * Nothing is committed and the client gets a 503; the next verify reuses the same attempt number, hence the
 * same provider idempotency key, and learns the real outcome without a second charge.
 */
async function chargeSafely(deps: VerifyPaymentDeps, request: Parameters<PaymentProvider['charge']>[0]): Promise<ChargeResult> {
  try {
    return await deps.provider.charge(request);
  } catch (err) {
    deps.logger.warn({ err, idempotencyKey: request.idempotencyKey }, 'payment provider call failed');
    throw new ServiceUnavailableError(
      'The payment provider is not answering; try again shortly',
      2,
      'PAYMENT_PROVIDER_UNAVAILABLE',
    );
  }
}
