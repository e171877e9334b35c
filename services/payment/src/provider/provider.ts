/**
 * The payment provider as the service sees it: charge an instrument and refund a charge. Both calls carry an
 * idempotency key, as real gateways require, so that a retry after a crash or timeout never charges or
 * refunds twice.
 */
import type { Instrument } from '../domain/instrument.js';

export interface ChargeRequest {
  idempotencyKey: string;
  amount: number;
  currency: 'BDT';
  instrument: Instrument;
  /** Shown on the statement / used for reconciliation. */
  reference: string;
}

export type ChargeResult =
  | { outcome: 'succeeded'; providerReference: string }
  | { outcome: 'declined'; reason: string; retryable: false; providerReference: string }
  | { outcome: 'error'; reason: string; retryable: true };

/** What the merchant knows of a charge whose answer it never got: the key it was sent with, and what it was for. */
export interface ChargeLookup {
  idempotencyKey: string;
  amount: number;
  /** The merchant's reference the charge was (or would have been) made with. */
  reference: string;
}

export interface RefundRequest {
  idempotencyKey: string;
  chargeReference: string;
  amount: number;
}

export interface RefundResult {
  providerReference: string;
}

export class ProviderError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** One captured charge as the provider's settlement report lists it (what reconciliation compares against). */
export interface SettledCharge {
  /** The provider's charge reference (payments.provider_reference). */
  reference: string;
  /** The merchant's reference given with the charge (the booking id). */
  merchantReference: string;
  amount: number;
  /** Refunded so far. */
  refunded: number;
  capturedAt: Date;
}

export interface PaymentProvider {
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /**
   * The final outcome of the charge sent with this idempotency key, for an attempt whose answer was lost (the
   * caller died or gave up waiting): the charge's recorded result when the provider has one; otherwise the key
   * is closed, so a charge with it still on its way is refused and never moves money, and the answer is a
   * retryable error. Either way the answer never changes afterwards.
   */
  resolveCharge(lookup: ChargeLookup): Promise<ChargeResult>;
  /** Throws ProviderError when the refund cannot be made (retryable or not). */
  refund(request: RefundRequest): Promise<RefundResult>;
  /** Captured charges between the two instants (oldest first), as a gateway's settlement report gives them. */
  capturedCharges(from: Date, to: Date): Promise<SettledCharge[]>;
}
