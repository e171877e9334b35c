/**
 * Verifies (pays) a payment with a card or mobile wallet through the provider, without ever holding a
 * transaction, the payment's row lock or a second pool connection across the provider call
 * (payment-attempts.ts has the three steps):
 * - The Idempotency-Key (optional) is claimed first, on its own (@rail/idempotency's PostgreSQL store, committed
 *   at once): a retry of a finished request replays its answer, a duplicate of a running one waits for it
 *   (polling, holding no connection) or gets 409 IDEMPOTENCY_REQUEST_IN_PROGRESS.
 * - A short transaction locks the payment, answers a SUCCEEDED payment again without charging, refuses a
 *   REFUNDED one, refuses with 409 PAYMENT_IN_PROGRESS while another attempt on it is at the provider, and
 *   otherwise records this attempt as pending. It commits before the provider is called.
 * - The provider is called outside any transaction with the attempt's idempotency key `<paymentId>:<attemptNo>`.
 * - A second short transaction records the outcome, the payment.succeeded / payment.failed outbox event and the
 *   Idempotency-Key's answer together.
 * A pending attempt whose lease lapsed (its process died after the charge, or gave up on the provider) is
 * resolved first from the provider's ledger: its charge, when the provider has it, is recorded and answered; a
 * key the provider never saw is closed and recorded as a retryable failure, and this request then makes its own
 * attempt. Any failure before the answer is stored gives the Idempotency-Key up, so the client may retry with it.
 */
import { NotFoundError, ConflictError } from '@rail/errors';
import { withTransaction, type Pool, type PoolClient, type Queryable } from '@rail/db';
import { claimIdempotencyKey, postgresIdempotencyStore, type IdempotencyClaim } from '@rail/idempotency';
import type { EventHeaders } from '@rail/messaging';
import type { VerifyPaymentBody, VerifyPaymentResponse } from '@rail/contracts/payment';
import type { Logger } from '@rail/logger';
import { parseInstrument, type Instrument } from '../domain/instrument.js';
import type { PaymentProvider } from '../provider/provider.js';
import { findPayment } from '../db/payments.js';
import {
  attemptLeaseMs,
  callProvider,
  DEFAULT_PROVIDER_TIMEOUT_MS,
  findPendingAttempt,
  PaymentInProgressError,
  recordOutcome,
  startAttempt,
  takeOverAttempt,
  type AttemptLease,
} from './payment-attempts.js';

export interface VerifyPaymentDeps {
  pool: Pool;
  provider: PaymentProvider;
  logger: Logger;
  now?: () => Date;
  /** How long the provider may take before the outcome counts as unknown (503). Default 10 s. */
  providerTimeoutMs?: number;
  /**
   * Test seam: runs after the provider answered and before the outcome is recorded. A throw here stands for
   * the process dying at the worst moment (money moved, nothing recorded); the attempt stays pending with its
   * lease, for the recovery path to resolve.
   */
  afterProviderCall?: (lease: AttemptLease) => Promise<void> | void;
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
/** A duplicate with the same Idempotency-Key waits this long for the first request's answer, polling. */
const KEY_WAIT_MS = 5_000;
const KEY_POLL_MS = 50;
/** The key's claim outlasts the attempt's lease by this much. */
const LEASE_SLACK_MS = 5_000;

type NewClaim = Extract<IdempotencyClaim, { kind: 'new' }>;

/**
 * The Idempotency-Key store over whichever connection is current: the pool for the claim (committed at once) and
 * a release, the second transaction's client for the answer, so that the answer commits with the outcome.
 */
function switchableStore(pool: Pool) {
  let current: Queryable = pool;
  const via: Queryable = {
    // pg's query() is heavily overloaded; the store calls it as (text, values) only.
    query: ((text: string, values?: unknown[]) => current.query(text, values)) as Queryable['query'],
  };
  return {
    store: postgresIdempotencyStore(via),
    async within<T>(db: PoolClient, fn: () => Promise<T>): Promise<T> {
      current = db;
      try {
        return await fn();
      } finally {
        current = pool;
      }
    },
  };
}

export async function verifyPayment(deps: VerifyPaymentDeps, input: VerifyPaymentInput): Promise<VerifyPaymentResult> {
  const instrument = parseInstrument(input.body, (deps.now ?? (() => new Date()))());
  const leaseMs = attemptLeaseMs(deps.providerTimeoutMs ?? DEFAULT_PROVIDER_TIMEOUT_MS);

  let claim: NewClaim | undefined;
  const keys = switchableStore(deps.pool);
  if (input.idempotencyKey !== undefined) {
    const claimed = await claimIdempotencyKey(
      keys.store,
      { owner: input.userId, key: input.idempotencyKey, operation: OPERATION, request: input.body },
      // The claim outlives the longest a verify can run (its attempt's lease), so it is never taken over while live.
      { waitMs: KEY_WAIT_MS, leaseMs: leaseMs + LEASE_SLACK_MS, pollMs: KEY_POLL_MS },
    );
    if (claimed.kind === 'replay')
      return { response: JSON.parse(claimed.response.body) as VerifyPaymentResponse, replayed: true };
    claim = claimed;
  }
  const answer = async (db: PoolClient, response: VerifyPaymentResponse): Promise<VerifyPaymentResponse> => {
    if (claim) {
      const c = claim;
      await keys.within(db, () =>
        c.complete({ status: 200, contentType: 'application/json; charset=utf-8', body: JSON.stringify(response) }),
      );
    }
    return response;
  };

  try {
    return { response: await pay(deps, input, instrument, leaseMs, answer), replayed: false };
  } catch (err) {
    // Not answered: the key is given up (a no-op once an answer is stored), so a retry with it runs again.
    await claim?.release().catch((releaseError: unknown) => {
      deps.logger.warn({ err: releaseError }, 'could not release an Idempotency-Key; it lapses with its lease');
    });
    throw err;
  }
}

/** A request resolves at most one lapsed attempt before making its own. */
const MAX_ROUNDS = 2;

type Step =
  | { kind: 'answered'; response: VerifyPaymentResponse }
  | { kind: 'charge' | 'resolve'; lease: AttemptLease; amount: number; bookingId: string };

async function pay(
  deps: VerifyPaymentDeps,
  input: VerifyPaymentInput,
  instrument: Instrument,
  leaseMs: number,
  answer: (db: PoolClient, response: VerifyPaymentResponse) => Promise<VerifyPaymentResponse>,
): Promise<VerifyPaymentResponse> {
  const paymentId = input.body.paymentId;
  for (let round = 0; ; round++) {
    const step = await withTransaction(deps.pool, async (db): Promise<Step> => {
      const payment = await findPayment(db, paymentId, { forUpdate: true });
      if (!payment || payment.user_id !== input.userId) throw new NotFoundError('No such payment', 'PAYMENT_NOT_FOUND');
      if (payment.status === 'SUCCEEDED')
        return { kind: 'answered', response: await answer(db, { paymentId, status: 'SUCCEEDED' }) };
      if (payment.status === 'REFUNDED') {
        throw new ConflictError('PAYMENT_REFUNDED', 'This payment was refunded and cannot be paid again', { paymentId });
      }
      const pending = await findPendingAttempt(db, paymentId);
      const base = { amount: payment.amount, bookingId: payment.booking_id };
      if (!pending) return { kind: 'charge', lease: await startAttempt(db, payment, instrument, leaseMs), ...base };
      const lease = pending.live || round >= MAX_ROUNDS ? null : await takeOverAttempt(db, pending, leaseMs);
      if (!lease) throw new PaymentInProgressError(paymentId);
      return { kind: 'resolve', lease, ...base };
    });
    if (step.kind === 'answered') return step.response;

    // No transaction and no connection of the service's pool are held from here until the outcome is recorded.
    const result = await callProvider(
      deps,
      { amount: step.amount, booking_id: step.bookingId },
      step.lease,
      step.kind === 'charge' ? instrument : null,
    );
    await deps.afterProviderCall?.(step.lease);

    const done = await withTransaction(deps.pool, async (db): Promise<VerifyPaymentResponse | null> => {
      const payment = await findPayment(db, paymentId, { forUpdate: true });
      if (!payment) throw new NotFoundError('No such payment', 'PAYMENT_NOT_FOUND');
      const outcome = await recordOutcome(db, deps, payment, step.lease, result, input.eventHeaders ?? {});
      if (outcome.response === null) throw new PaymentInProgressError(paymentId);
      // A resolved earlier attempt that did not pay leaves the payment open for this request's own attempt.
      if (step.kind === 'resolve' && outcome.response.status !== 'SUCCEEDED') return null;
      return answer(db, outcome.response);
    });
    if (done) return done;
  }
}
