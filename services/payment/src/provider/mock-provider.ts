/**
 * A mock payment gateway that behaves like a real one, deterministically:
 * - card 4242 4242 4242 4242 succeeds; 4000 0000 0000 0002 is declined (card_declined);
 *   4000 0000 0000 9995 fails with a retryable provider error (provider_error); other cards succeed.
 * - bkash/nagad: 01700000002 is declined (insufficient_balance); 01700009995 fails with a retryable
 *   provider error; other numbers succeed.
 * It keeps a ledger: the same idempotency key returns the first result without a second charge, a refund
 * needs a captured charge and never exceeds it, and a network round trip is simulated.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChargeRequest, ChargeResult, PaymentProvider, RefundRequest, RefundResult } from './provider.js';
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

interface Charge {
  reference: string;
  merchantReference: string;
  amount: number;
  refunded: number;
}

export interface LedgerEntry {
  type: 'charge' | 'refund';
  /** The provider's charge reference. */
  reference: string;
  /** The merchant's reference given with the charge (the booking id). */
  merchantReference: string;
  amount: number;
}

export interface MockProviderOptions {
  latencyMs?: number;
}

export class MockPaymentProvider implements PaymentProvider {
  private readonly latencyMs: number;
  private readonly chargeResults = new Map<string, ChargeResult>();
  private readonly charges = new Map<string, Charge>();
  private readonly refunds = new Map<string, RefundResult>();
  /** Money actually moved, for reconciliation (and tests proving nothing is charged twice). */
  readonly ledger: LedgerEntry[] = [];

  constructor(options: MockProviderOptions = {}) {
    this.latencyMs = options.latencyMs ?? 0;
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    await this.roundTrip();
    const previous = this.chargeResults.get(request.idempotencyKey);
    if (previous) return previous;

    const result = this.decide(request);
    this.chargeResults.set(request.idempotencyKey, result);
    if (result.outcome === 'succeeded') {
      const charge = {
        reference: result.providerReference,
        merchantReference: request.reference,
        amount: request.amount,
        refunded: 0,
      };
      this.charges.set(charge.reference, charge);
      this.ledger.push({
        type: 'charge',
        reference: charge.reference,
        merchantReference: charge.merchantReference,
        amount: request.amount,
      });
    }
    return result;
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    await this.roundTrip();
    const previous = this.refunds.get(request.idempotencyKey);
    if (previous) return previous;

    const charge = this.charges.get(request.chargeReference);
    if (!charge) throw new ProviderError(`No captured charge ${request.chargeReference}`, false);
    if (request.amount <= 0 || charge.refunded + request.amount > charge.amount) {
      throw new ProviderError(`Refund of ${request.amount} exceeds the refundable amount of ${charge.reference}`, false);
    }
    charge.refunded += request.amount;
    const result = { providerReference: `re_${randomUUID()}` };
    this.refunds.set(request.idempotencyKey, result);
    this.ledger.push({
      type: 'refund',
      reference: charge.reference,
      merchantReference: charge.merchantReference,
      amount: request.amount,
    });
    return result;
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
}
