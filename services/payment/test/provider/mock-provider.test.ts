/** The mock gateway's contract: deterministic outcomes, idempotency keys, and refunds bounded by the charge. */
import { describe, expect, it } from 'vitest';
import { MockPaymentProvider, TEST_CARDS } from '../../src/provider/mock-provider.js';
import type { CardInstrument } from '../../src/domain/instrument.js';

function card(number: string): CardInstrument {
  return { method: 'card', number, brand: 'visa', last4: number.slice(-4), expiryMonth: 12, expiryYear: 2039, cvc: '123' };
}

describe('MockPaymentProvider', () => {
  it('returns the first result for a repeated idempotency key without charging again', async () => {
    const provider = new MockPaymentProvider();
    const request = {
      idempotencyKey: 'p1:1',
      amount: 500,
      currency: 'BDT' as const,
      instrument: card(TEST_CARDS.success),
      reference: 'b1',
    };
    const first = await provider.charge(request);
    const second = await provider.charge(request);
    expect(first.outcome).toBe('succeeded');
    expect(second).toEqual(first);
    expect(provider.ledger.filter((e) => e.type === 'charge')).toHaveLength(1);
  });

  it('declines and errors deterministically without moving money', async () => {
    const provider = new MockPaymentProvider();
    const base = { amount: 500, currency: 'BDT' as const, reference: 'b2' };
    expect(await provider.charge({ ...base, idempotencyKey: 'a', instrument: card(TEST_CARDS.declined) })).toMatchObject({
      outcome: 'declined',
      reason: 'card_declined',
      retryable: false,
    });
    expect(await provider.charge({ ...base, idempotencyKey: 'b', instrument: card(TEST_CARDS.providerError) })).toEqual({
      outcome: 'error',
      reason: 'provider_error',
      retryable: true,
    });
    expect(provider.ledger).toHaveLength(0);
  });

  it('refunds a captured charge once per key and never beyond the amount charged', async () => {
    const provider = new MockPaymentProvider({ latencyMs: 1 });
    const charge = await provider.charge({
      idempotencyKey: 'c',
      amount: 700,
      currency: 'BDT',
      instrument: card(TEST_CARDS.success),
      reference: 'b3',
    });
    if (charge.outcome !== 'succeeded') throw new Error('expected a charge');
    const first = await provider.refund({ idempotencyKey: 'r', chargeReference: charge.providerReference, amount: 700 });
    expect(await provider.refund({ idempotencyKey: 'r', chargeReference: charge.providerReference, amount: 700 })).toEqual(first);
    await expect(provider.refund({ idempotencyKey: 'r2', chargeReference: charge.providerReference, amount: 1 })).rejects.toThrow(
      /exceeds/,
    );
    await expect(provider.refund({ idempotencyKey: 'r3', chargeReference: 'ch_unknown', amount: 1 })).rejects.toThrow(
      /No captured charge/,
    );
    expect(provider.ledger.filter((e) => e.type === 'refund')).toHaveLength(1);
  });
});
