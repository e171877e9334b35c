/**
 * A mock payment gateway that behaves like a real one, deterministically:
 * - card 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined (card_declined);
 *   4000 0000 0000 9995 fails with a retryable provider error (provider_error); other cards succeed.
 * - bkash/nagad: 01700000002 is declined (insufficient_balance); 01700009995 fails with a retryable
 *   provider error; other numbers succeed.
 * It keeps a durable ledger, as a real gateway does on its side: the tables mock_provider_charges and
 * mock_provider_refunds (migration 0003), reached over the provider's own connections and transactions, never
 * the caller's. The same idempotency key returns the first result without a second charge or refund; a refund
 * needs a captured charge and never exceeds it; all of it survives a restart of the payment service (a new
 * provider instance on the same database). A network round trip is simulated.
 * The provider is a separate system: it gets its own small pool (PROVIDER_DATABASE_POOL_MAX in server.ts), so its
 * connections never come out of the service's pool, and a request that holds one of the service's connections can
 * never wait for the provider to get another from the same pool.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { withTransaction, type Pool } from '@rail/db';
import type {
  ChargeLookup,
  ChargeRequest,
  ChargeResult,
  PaymentProvider,
  RefundRequest,
  RefundResult,
  SettledCharge,
} from './provider.js';
import { ProviderError } from './provider.js';

export const TEST_CARDS = {
  success: '4242424242424242',
  declined: '4000000000000002',
  providerError: '4000000000009995',
} as const;

export const TEST_WALLETS = {
  declined: '01700000002',
  providerError: '01700009995',
} as const;

export interface LedgerEntry {
  type: 'charge' | 'refund';
  /** The provider's charge reference. */
  reference: string;
  /** The merchant's reference given with the charge (the booking id). */
  merchantReference: string;
  amount: number;
}

export interface MockProviderOptions {
  /** The provider's own pool on the database holding its tables (payment_db in this system), never the service's. */
  pool: Pool;
  latencyMs?: number;
}

interface ChargeRow {
  reference: string;
  merchant_reference: string;
  amount: number;
  refunded: number;
  created_at: Date;
}

export class MockPaymentProvider implements PaymentProvider {
  private readonly pool: Pool;
  private readonly latencyMs: number;

  constructor(options: MockProviderOptions) {
    this.pool = options.pool;
    this.latencyMs = options.latencyMs ?? 0;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    // As with a real provider, the charge exists at the provider before its answer has travelled back: half the
    // round trip on the way there, the charge recorded, half on the way back. A payment process that dies in the
    // second half has charged without knowing it (the case the attempts' recovery exists for; the fault suite's
    // payment-kill lands in that window).
    await this.halfTrip();
    const result = await this.record(request.idempotencyKey, this.decide(request), request.reference, request.amount);
    await this.halfTrip();
    return result;
  }

  async resolveCharge(lookup: ChargeLookup): Promise<ChargeResult> {
    await this.roundTrip();
    // Closing the key is recording an answer for it: whichever of this and a late charge writes first wins.
    const closed: ChargeResult = { outcome: 'error', reason: 'provider_timeout', retryable: true };
    return this.record(lookup.idempotencyKey, closed, lookup.reference, lookup.amount);
  }

  /** Stores the answer for a key unless the key already has one; answers whichever is stored (one round trip when new). */
  private async record(
    idempotencyKey: string,
    result: ChargeResult,
    merchantReference: string,
    amount: number,
  ): Promise<ChargeResult> {
    const reference = result.outcome === 'error' ? null : result.providerReference;
    const { rows } = await this.pool.query<{ result: ChargeResult }>(
      `INSERT INTO mock_provider_charges (idempotency_key, outcome, result, reference, merchant_reference, amount)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (idempotency_key) DO NOTHING RETURNING result`,
      [idempotencyKey, result.outcome, JSON.stringify(result), reference, merchantReference, amount],
    );
    if (rows[0]) return rows[0].result;
    // The key was used before (a retry, or a concurrent request that won): the first answer is the answer.
    const first = await this.chargeResult(idempotencyKey);
    if (!first) throw new ProviderError(`charge ${idempotencyKey} vanished`, true);
    return first;
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    await this.roundTrip();
    return withTransaction(this.pool, async (db) => {
      // The charge row is the lock: refunds of one charge are decided one at a time.
      const charge = await db.query<ChargeRow>(
        `SELECT reference, merchant_reference, amount, refunded, created_at FROM mock_provider_charges
         WHERE reference = $1 AND outcome = 'succeeded' FOR UPDATE`,
        [request.chargeReference],
      );
      const previous = await db.query<{ reference: string; charge_reference: string }>(
        'SELECT reference, charge_reference FROM mock_provider_refunds WHERE idempotency_key = $1',
        [request.idempotencyKey],
      );
      if (previous.rows[0]) {
        if (previous.rows[0].charge_reference !== request.chargeReference) {
          throw new ProviderError(`Refund key ${request.idempotencyKey} was used for another charge`, false);
        }
        return { providerReference: previous.rows[0].reference };
      }
      const captured = charge.rows[0];
      if (!captured) throw new ProviderError(`No captured charge ${request.chargeReference}`, false);
      if (request.amount <= 0 || captured.refunded + request.amount > captured.amount) {
        throw new ProviderError(`Refund of ${request.amount} exceeds the refundable amount of ${captured.reference}`, false);
      }
      const result = { providerReference: `re_${randomUUID()}` };
      await db.query(
        'INSERT INTO mock_provider_refunds (idempotency_key, charge_reference, amount, reference) VALUES ($1, $2, $3, $4)',
        [request.idempotencyKey, captured.reference, request.amount, result.providerReference],
      );
      await db.query('UPDATE mock_provider_charges SET refunded = refunded + $2 WHERE reference = $1', [
        captured.reference,
        request.amount,
      ]);
      return result;
    });
  }

  async capturedCharges(from: Date, to: Date): Promise<SettledCharge[]> {
    const { rows } = await this.pool.query<ChargeRow>(
      `SELECT reference, merchant_reference, amount, refunded, created_at FROM mock_provider_charges
       WHERE outcome = 'succeeded' AND created_at >= $1 AND created_at < $2 ORDER BY created_at`,
      [from, to],
    );
    return rows.map((r) => ({
      reference: r.reference,
      merchantReference: r.merchant_reference,
      amount: r.amount,
      refunded: r.refunded,
      capturedAt: r.created_at,
    }));
  }

  /** Money actually moved, oldest first (for tests proving nothing is charged or refunded twice). */
  async ledger(merchantReference?: string): Promise<LedgerEntry[]> {
    const { rows } = await this.pool.query<LedgerEntry>(
      `SELECT type, reference, "merchantReference", amount FROM (
         SELECT 'charge' AS type, reference, merchant_reference AS "merchantReference", amount, created_at
         FROM mock_provider_charges WHERE outcome = 'succeeded'
         UNION ALL
         SELECT 'refund', r.charge_reference, c.merchant_reference, r.amount, r.created_at
         FROM mock_provider_refunds r JOIN mock_provider_charges c ON c.reference = r.charge_reference
       ) moved
       WHERE $1::text IS NULL OR "merchantReference" = $1
       ORDER BY created_at`,
      [merchantReference ?? null],
    );
    return rows;
  }

  private async chargeResult(idempotencyKey: string): Promise<ChargeResult | null> {
    const { rows } = await this.pool.query<{ result: ChargeResult }>(
      'SELECT result FROM mock_provider_charges WHERE idempotency_key = $1',
      [idempotencyKey],
    );
    return rows[0]?.result ?? null;
  }

  private decide(request: ChargeRequest): ChargeResult {
    const { instrument } = request;
    const reference = `ch_${randomUUID()}`;
    if (instrument.method === 'card') {
      if (instrument.number === TEST_CARDS.declined) {
        return { outcome: 'declined', reason: 'card_declined', retryable: false, providerReference: reference };
      }
      if (instrument.number === TEST_CARDS.providerError) return { outcome: 'error', reason: 'provider_error', retryable: true };
      return { outcome: 'succeeded', providerReference: reference };
    }
    if (instrument.number === TEST_WALLETS.declined) {
      return { outcome: 'declined', reason: 'insufficient_balance', retryable: false, providerReference: reference };
    }
    if (instrument.number === TEST_WALLETS.providerError) return { outcome: 'error', reason: 'provider_error', retryable: true };
    return { outcome: 'succeeded', providerReference: reference };
  }

  private async roundTrip(): Promise<void> {
    if (this.latencyMs > 0) await sleep(this.latencyMs);
  }

  private async halfTrip(): Promise<void> {
    if (this.latencyMs > 0) await sleep(this.latencyMs / 2);
  }
}
