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

export interface PaymentProvider {
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** Throws ProviderError when the refund cannot be made (retryable or not). */
  refund(request: RefundRequest): Promise<RefundResult>;
}
