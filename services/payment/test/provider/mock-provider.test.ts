/**
 * The mock gateway's contract over its tables in a real database: deterministic outcomes, idempotency keys,
 * refunds bounded by the charge, and a ledger that outlives the provider instance (a payment-service restart).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, createTestDatabase, type Pool, type TestDatabase } from '@rail/db';
import { allMigrationDirs } from '../../src/db/migrations-dir.js';
import { MockPaymentProvider, TEST_CARDS } from '../../src/provider/mock-provider.js';
import type { CardInstrument } from '../../src/domain/instrument.js';

function card(number: string): CardInstrument {
  return { method: 'card', number, brand: 'visa', last4: number.slice(-4), expiryMonth: 12, expiryYear: 2039, cvc: '123' };
}

let db: TestDatabase;
let pool: Pool;

beforeAll(async () => {
  db = await createTestDatabase('payment_provider', allMigrationDirs);
  pool = createPool(db.url, { max: 10 });
});
afterAll(async () => {
  await pool.end();
  await db.drop();
});

async function captured(provider: MockPaymentProvider, key: string, reference: string, amount = 700) {
  const charge = await provider.charge({
    idempotencyKey: key,
    amount,
    currency: 'BDT',
    instrument: card(TEST_CARDS.success),
    reference,
  });
  if (charge.outcome !== 'succeeded') throw new Error('expected a charge');
  return charge.providerReference;
}

describe('MockPaymentProvider', () => {
  it('returns the first result for a repeated idempotency key without charging again, also for concurrent repeats', async () => {
    const provider = new MockPaymentProvider({ pool });
    const request = {
      idempotencyKey: 'p1:1',
      amount: 500,
      currency: 'BDT' as const,
      instrument: card(TEST_CARDS.success),
      reference: 'b1',
    };
    const answers = await Promise.all([provider.charge(request), provider.charge(request), provider.charge(request)]);
    expect(answers[0]?.outcome).toBe('succeeded');
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(await provider.ledger('b1')).toHaveLength(1);
  });

  it('resolveCharge answers the charge made with a key, and closes a key it never saw so a late charge with it moves no money', async () => {
    const provider = new MockPaymentProvider({ pool });
    const charged = await provider.charge({
      idempotencyKey: 'r1:1',
      amount: 300,
      currency: 'BDT',
      instrument: card(TEST_CARDS.success),
      reference: 'br1',
    });
    expect(await provider.resolveCharge({ idempotencyKey: 'r1:1', amount: 300, reference: 'br1' })).toEqual(charged);

    const closed = await provider.resolveCharge({ idempotencyKey: 'r2:1', amount: 300, reference: 'br2' });
    expect(closed).toEqual({ outcome: 'error', reason: 'provider_timeout', retryable: true });
    const late = await provider.charge({
      idempotencyKey: 'r2:1',
      amount: 300,
      currency: 'BDT',
      instrument: card(TEST_CARDS.success),
      reference: 'br2',
    });
    expect(late).toEqual(closed);
    expect(await provider.ledger('br2')).toEqual([]);
    expect(await provider.resolveCharge({ idempotencyKey: 'r2:1', amount: 300, reference: 'br2' })).toEqual(closed);
  });

  it('declines and errors deterministically without moving money, and repeats the same answer', async () => {
    const provider = new MockPaymentProvider({ pool });
    const base = { amount: 500, currency: 'BDT' as const, reference: 'b2' };
    const declined = await provider.charge({ ...base, idempotencyKey: 'a', instrument: card(TEST_CARDS.declined) });
    expect(declined).toMatchObject({ outcome: 'declined', reason: 'card_declined', retryable: false });
    expect(await provider.charge({ ...base, idempotencyKey: 'a', instrument: card(TEST_CARDS.declined) })).toEqual(declined);
    expect(await provider.charge({ ...base, idempotencyKey: 'b', instrument: card(TEST_CARDS.providerError) })).toEqual({
      outcome: 'error',
      reason: 'provider_error',
      retryable: true,
    });
    expect(await provider.ledger('b2')).toHaveLength(0);
  });

  it('refunds a captured charge once per key and never beyond the amount charged', async () => {
    const provider = new MockPaymentProvider({ pool, latencyMs: 1 });
    const reference = await captured(provider, 'c', 'b3');
    const first = await provider.refund({ idempotencyKey: 'r', chargeReference: reference, amount: 700 });
    expect(await provider.refund({ idempotencyKey: 'r', chargeReference: reference, amount: 700 })).toEqual(first);
    await expect(provider.refund({ idempotencyKey: 'r2', chargeReference: reference, amount: 1 })).rejects.toThrow(/exceeds/);
    await expect(provider.refund({ idempotencyKey: 'r3', chargeReference: 'ch_unknown', amount: 1 })).rejects.toThrow(
      /No captured charge/,
    );
    expect((await provider.ledger('b3')).map((e) => [e.type, e.amount])).toEqual([
      ['charge', 700],
      ['refund', 700],
    ]);
  });

  it('refunds once when the same refund is asked for concurrently, and partial refunds add up to the charge at most', async () => {
    const provider = new MockPaymentProvider({ pool });
    const reference = await captured(provider, 'c4', 'b4', 1_000);
    const same = await Promise.all(
      Array.from({ length: 4 }, () => provider.refund({ idempotencyKey: 'r4', chargeReference: reference, amount: 600 })),
    );
    expect(new Set(same.map((r) => r.providerReference)).size).toBe(1);
    const others = await Promise.allSettled(
      ['r5', 'r6'].map((key) => provider.refund({ idempotencyKey: key, chargeReference: reference, amount: 300 })),
    );
    expect(others.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refunded = (await provider.ledger('b4')).filter((e) => e.type === 'refund').reduce((sum, e) => sum + e.amount, 0);
    expect(refunded).toBe(900);
  });

  it('still knows its charges and refunds after a restart (a new instance on the same database)', async () => {
    const before = new MockPaymentProvider({ pool });
    const reference = await captured(before, 'c7', 'b7');
    const refund = await before.refund({ idempotencyKey: 'r7', chargeReference: reference, amount: 200 });

    const after = new MockPaymentProvider({ pool });
    expect(await after.refund({ idempotencyKey: 'r7', chargeReference: reference, amount: 200 })).toEqual(refund);
    await after.refund({ idempotencyKey: 'r8', chargeReference: reference, amount: 500 });
    await expect(after.refund({ idempotencyKey: 'r9', chargeReference: reference, amount: 1 })).rejects.toThrow(/exceeds/);
    const report = await after.capturedCharges(new Date(Date.now() - 60_000), new Date(Date.now() + 60_000));
    expect(report.find((c) => c.reference === reference)).toMatchObject({ merchantReference: 'b7', amount: 700, refunded: 700 });
  });
});
