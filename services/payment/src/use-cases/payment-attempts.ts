/**
 * One attempt to pay, in three steps, none of which holds a transaction (or the payment's row lock, or a
 * connection of the service's pool) while the provider is working:
 * 1. `startAttempt` / `takeOverAttempt`, inside a short transaction that has locked the payment row: the
 *    attempt is recorded as 'pending' with its provider idempotency key `<paymentId>:<attemptNo>` and a lease
 *    (token + deadline) naming who runs it. The partial unique index allows one pending attempt per payment, so
 *    a second verify meanwhile is refused at once with 409 PAYMENT_IN_PROGRESS (`PaymentInProgressError`).
 * 2. `callProvider`: the charge (or, for an attempt whose answer was lost, `resolveCharge`) outside any
 *    transaction, bounded by the provider timeout. A throw or a timeout lets the lease go at once (the outcome is
 *    unknown, and the next verify resolves it).
 * 3. `recordOutcome`, in a second short transaction: attempt outcome, payment status, the payment.succeeded /
 *    payment.failed outbox event, conditional on still holding the lease.
 * A process that dies between 1 and 3 leaves a pending attempt whose lease lapses. It is resolved from the
 * provider's ledger by the next verify of the payment, or by `resolveLapsedAttempts` (run by the reconciliation
 * job): the charge the provider has is recorded (SUCCEEDED + event), and a key the provider never saw is closed
 * at the provider and recorded as a retryable failure, so no late charge can land on it.
 */
import { randomUUID } from 'node:crypto';
import { AppError, ConflictError, ServiceUnavailableError } from '@rail/errors';
import { withTransaction, type Pool, type Queryable } from '@rail/db';
import { enqueueEvent, type EventHeaders } from '@rail/messaging';
import type { PaymentMethod, VerifyPaymentResponse } from '@rail/contracts/payment';
import type { Logger } from '@rail/logger';
import type { Instrument } from '../domain/instrument.js';
import type { ChargeResult, PaymentProvider } from '../provider/provider.js';
import { findPayment, type PaymentRow } from '../db/payments.js';

/** How long the provider may take before the attempt's outcome counts as unknown (PROVIDER_TIMEOUT_MS). */
export const DEFAULT_PROVIDER_TIMEOUT_MS = 10_000;
/** A lease outlasts the provider timeout by this much, so a live attempt is never taken over. */
export const LEASE_MARGIN_MS = 5_000;

export function attemptLeaseMs(providerTimeoutMs: number): number {
  return providerTimeoutMs + LEASE_MARGIN_MS;
}

/** 409 with Retry-After: another attempt on this payment is at the provider right now. */
export class PaymentInProgressError extends AppError {
  constructor(paymentId: string, retryAfterSeconds = 1) {
    super(409, 'PAYMENT_IN_PROGRESS', 'This payment is being processed', {
      detail: 'Another attempt to pay this payment is still running. Wait a moment, then check the payment before trying again.',
      retryAfter: retryAfterSeconds,
      extensions: { paymentId },
    });
  }
}

/** A pending attempt this process holds the lease of. */
export interface AttemptLease {
  attemptId: string;
  paymentId: string;
  attemptNo: number;
  providerKey: string;
  token: string;
  method: PaymentMethod;
  cardBrand: string | null;
  cardLast4: string | null;
  walletLast4: string | null;
}

interface AttemptRow {
  id: string;
  payment_id: string;
  attempt_no: number;
  method: PaymentMethod;
  card_brand: string | null;
  card_last4: string | null;
  wallet_last4: string | null;
  outcome: 'pending' | ChargeResult['outcome'];
  reason: string | null;
  retryable: boolean;
  provider_key: string;
  /** For a pending attempt: whether its lease still runs (by the database's clock). */
  live: boolean;
}

const ATTEMPT_COLUMNS = `id, payment_id, attempt_no, method, card_brand, card_last4, wallet_last4, outcome, reason, retryable,
  provider_key, lease_until > now() AS live`;

export async function findPendingAttempt(db: Queryable, paymentId: string): Promise<AttemptRow | null> {
  const { rows } = await db.query<AttemptRow>(
    `SELECT ${ATTEMPT_COLUMNS} FROM payment_attempts WHERE payment_id = $1 AND outcome = 'pending'`,
    [paymentId],
  );
  return rows[0] ?? null;
}

/** Records a new pending attempt of a locked, payable payment; its number follows the recorded attempts. */
export async function startAttempt(
  db: Queryable,
  payment: PaymentRow,
  instrument: Instrument,
  leaseMs: number,
): Promise<AttemptLease> {
  const card = instrument.method === 'card' ? instrument : null;
  const wallet = instrument.method === 'card' ? null : instrument;
  const lease: AttemptLease = {
    attemptId: randomUUID(),
    paymentId: payment.id,
    attemptNo: payment.attempts + 1,
    providerKey: `${payment.id}:${payment.attempts + 1}`,
    token: randomUUID(),
    method: instrument.method,
    cardBrand: card?.brand ?? null,
    cardLast4: card?.last4 ?? null,
    walletLast4: wallet?.last4 ?? null,
  };
  await db.query(
    `INSERT INTO payment_attempts (id, payment_id, attempt_no, method, card_brand, card_last4, wallet_last4, outcome,
       provider_key, lease_token, lease_until)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9, now() + make_interval(secs => $10 / 1000.0))`,
    [
      lease.attemptId,
      lease.paymentId,
      lease.attemptNo,
      lease.method,
      lease.cardBrand,
      lease.cardLast4,
      lease.walletLast4,
      lease.providerKey,
      lease.token,
      leaseMs,
    ],
  );
  return lease;
}

/** Takes over a pending attempt whose lease has lapsed; null when its lease still runs (or it is no longer pending). */
export async function takeOverAttempt(db: Queryable, attempt: AttemptRow, leaseMs: number): Promise<AttemptLease | null> {
  const token = randomUUID();
  const { rowCount } = await db.query(
    `UPDATE payment_attempts SET lease_token = $2, lease_until = now() + make_interval(secs => $3 / 1000.0)
     WHERE id = $1 AND outcome = 'pending' AND lease_until <= now()`,
    [attempt.id, token, leaseMs],
  );
  if (rowCount !== 1) return null;
  return {
    attemptId: attempt.id,
    paymentId: attempt.payment_id,
    attemptNo: attempt.attempt_no,
    providerKey: attempt.provider_key,
    token,
    method: attempt.method,
    cardBrand: attempt.card_brand,
    cardLast4: attempt.card_last4,
    walletLast4: attempt.wallet_last4,
  };
}

/** Lets a lease go now (the provider call failed, its outcome is unknown): the next verify may resolve the attempt. */
export async function releaseLease(pool: Queryable, lease: AttemptLease, logger: Logger): Promise<void> {
  try {
    await pool.query(
      `UPDATE payment_attempts SET lease_until = now() WHERE id = $1 AND lease_token = $2 AND outcome = 'pending'`,
      [lease.attemptId, lease.token],
    );
  } catch (err) {
    // It lapses by itself at its deadline.
    logger.warn({ err, paymentId: lease.paymentId, attemptNo: lease.attemptNo }, 'could not release an attempt lease');
  }
}

export interface ProviderCallDeps {
  pool: Pool;
  provider: PaymentProvider;
  logger: Logger;
  providerTimeoutMs?: number;
}

/**
 * The provider call of a leased attempt, outside any transaction: a charge with the instrument, or (no
 * instrument: an attempt whose answer was lost) the final outcome of the attempt's key. A throw or a timeout
 * has an unknown outcome: the lease goes at once and the caller gets 503 PAYMENT_PROVIDER_UNAVAILABLE.
 */
export async function callProvider(
  deps: ProviderCallDeps,
  payment: Pick<PaymentRow, 'amount' | 'booking_id'>,
  lease: AttemptLease,
  instrument: Instrument | null,
): Promise<ChargeResult> {
  const timeoutMs = deps.providerTimeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    const call = instrument
      ? deps.provider.charge({
          idempotencyKey: lease.providerKey,
          amount: payment.amount,
          currency: 'BDT',
          instrument,
          reference: payment.booking_id,
        })
      : deps.provider.resolveCharge({ idempotencyKey: lease.providerKey, amount: payment.amount, reference: payment.booking_id });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`payment provider did not answer within ${timeoutMs} ms`)), timeoutMs);
    });
    return await Promise.race([call, timeout]);
  } catch (err) {
    deps.logger.warn({ err, idempotencyKey: lease.providerKey }, 'payment provider call failed');
    await releaseLease(deps.pool, lease, deps.logger);
    throw new ServiceUnavailableError(
      'The payment provider is not answering; try again shortly',
      2,
      'PAYMENT_PROVIDER_UNAVAILABLE',
    );
  } finally {
    clearTimeout(timer);
  }
}

export function answerOf(paymentId: string, result: ChargeResult): VerifyPaymentResponse {
  return result.outcome === 'succeeded'
    ? { paymentId, status: 'SUCCEEDED' }
    : { paymentId, status: 'FAILED', reason: result.reason, retryable: result.retryable };
}

export type RecordOutcome =
  | { kind: 'recorded'; response: VerifyPaymentResponse }
  /** The lease lapsed and someone else resolved (or is resolving) the attempt: theirs is the answer. */
  | { kind: 'lost'; response: VerifyPaymentResponse | null };

/**
 * Records the outcome of a leased attempt on the payment (locked by the caller's transaction) with its event.
 * Conditional on the lease: an attempt is recorded once, whoever resolved it.
 */
export async function recordOutcome(
  db: Queryable,
  deps: { logger: Logger },
  payment: PaymentRow,
  lease: AttemptLease,
  result: ChargeResult,
  headers: EventHeaders,
): Promise<RecordOutcome> {
  const succeeded = result.outcome === 'succeeded';
  const reason = result.outcome === 'succeeded' ? null : result.reason;
  const retryable = result.outcome === 'succeeded' ? null : result.retryable;
  const providerReference = result.outcome === 'error' ? null : result.providerReference;
  const attempt = await db.query(
    `UPDATE payment_attempts SET outcome = $3, reason = $4, retryable = $5, provider_reference = $6, completed_at = now(),
       lease_token = NULL, lease_until = NULL
     WHERE id = $1 AND lease_token = $2 AND outcome = 'pending'`,
    [lease.attemptId, lease.token, result.outcome, reason, retryable ?? false, providerReference],
  );
  if (attempt.rowCount !== 1) {
    const { rows } = await db.query<AttemptRow>(`SELECT ${ATTEMPT_COLUMNS} FROM payment_attempts WHERE id = $1`, [
      lease.attemptId,
    ]);
    const other = rows[0];
    if (!other || other.outcome === 'pending') return { kind: 'lost', response: null };
    return {
      kind: 'lost',
      response:
        other.outcome === 'succeeded'
          ? { paymentId: payment.id, status: 'SUCCEEDED' }
          : { paymentId: payment.id, status: 'FAILED', reason: other.reason ?? 'provider_error', retryable: other.retryable },
    };
  }
  // While an attempt is pending nothing else changes the payment; the condition makes that a checked fact.
  const updated = await db.query(
    `UPDATE payments SET status = $2, method = $3, card_brand = $4, card_last4 = $5, wallet_last4 = $6,
       provider_reference = CASE WHEN $2 = 'SUCCEEDED' THEN $7 ELSE provider_reference END,
       failure_reason = $8, retryable = $9, attempts = $10, updated_at = now(),
       succeeded_at = CASE WHEN $2 = 'SUCCEEDED' THEN now() ELSE succeeded_at END
     WHERE id = $1 AND status IN ('INITIATED', 'FAILED') AND attempts = $10 - 1`,
    [
      payment.id,
      succeeded ? 'SUCCEEDED' : 'FAILED',
      lease.method,
      lease.cardBrand,
      lease.cardLast4,
      lease.walletLast4,
      providerReference,
      reason,
      retryable,
      lease.attemptNo,
    ],
  );
  if (updated.rowCount !== 1) {
    throw new ConflictError('PAYMENT_CONFLICT', 'The payment changed during verification; try again');
  }
  if (result.outcome === 'succeeded') {
    await enqueueEvent(
      db,
      'payment.succeeded',
      {
        paymentId: payment.id,
        bookingId: payment.booking_id,
        userId: payment.user_id,
        amount: payment.amount,
        method: lease.method,
        providerReference: result.providerReference,
      },
      headers,
    );
    deps.logger.info({ paymentId: payment.id, bookingId: payment.booking_id, attemptNo: lease.attemptNo }, 'payment succeeded');
  } else {
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
    deps.logger.info({ paymentId: payment.id, attemptNo: lease.attemptNo, reason: result.reason }, 'payment attempt failed');
  }
  return { kind: 'recorded', response: answerOf(payment.id, result) };
}

export interface ResolveLapsedDeps extends ProviderCallDeps {
  /** Told after each resolved attempt (tests). */
  onResolved?: (paymentId: string, response: VerifyPaymentResponse) => void;
}

/**
 * Resolves pending attempts whose lease has lapsed (their process died between the charge and recording it, or
 * gave up on the provider) from the provider's ledger, oldest first, at most `limit` per call. Resolves with how
 * many were recorded. Run by the reconciliation job; a verify of such a payment resolves its own at once.
 */
export async function resolveLapsedAttempts(deps: ResolveLapsedDeps, options: { limit?: number } = {}): Promise<number> {
  const leaseMs = attemptLeaseMs(deps.providerTimeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS);
  const { rows } = await deps.pool.query<{ payment_id: string }>(
    `SELECT payment_id FROM payment_attempts WHERE outcome = 'pending' AND lease_until <= now() ORDER BY lease_until LIMIT $1`,
    [options.limit ?? 100],
  );
  let resolved = 0;
  for (const { payment_id: paymentId } of rows) {
    const taken = await withTransaction(deps.pool, async (db) => {
      const payment = await findPayment(db, paymentId, { forUpdate: true });
      const pending = await findPendingAttempt(db, paymentId);
      if (!payment || !pending || pending.live) return null;
      const lease = await takeOverAttempt(db, pending, leaseMs);
      return lease ? { payment, lease } : null;
    });
    if (!taken) continue;
    let result: ChargeResult;
    try {
      result = await callProvider(deps, taken.payment, taken.lease, null);
    } catch {
      continue; // logged by callProvider; the attempt stays pending for the next run
    }
    const outcome = await withTransaction(deps.pool, async (db) => {
      const payment = await findPayment(db, paymentId, { forUpdate: true });
      if (!payment) return null;
      return recordOutcome(db, deps, payment, taken.lease, result, {});
    });
    if (outcome?.kind === 'recorded') {
      resolved++;
      deps.logger.warn(
        { paymentId, attemptNo: taken.lease.attemptNo, outcome: result.outcome },
        'resolved a payment attempt left in progress from the provider ledger',
      );
      deps.onResolved?.(paymentId, outcome.response);
    }
  }
  return resolved;
}
