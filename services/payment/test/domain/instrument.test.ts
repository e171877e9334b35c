/** Card and wallet validation: Luhn, brands, expiry against a fixed clock, CVC length, Bangladeshi mobile numbers. */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '@rail/errors';
import { cardBrand, luhnValid, normaliseBdMobile, parseInstrument } from '../../src/domain/instrument.js';

const NOW = new Date('2026-03-15T10:00:00Z');
const paymentId = '6f1b1f0e-2b6a-4a57-9d7e-1b1a1c1d1e1f';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.errors?.[0]?.field;
    throw err;
  }
  return undefined;
}

describe('luhnValid and cardBrand', () => {
  it('accepts the test cards and rejects a changed digit', () => {
    for (const n of ['4242424242424242', '4000000000000002', '4000000000009995', '5555555555554444', '378282246310005']) {
      expect(luhnValid(n)).toBe(true);
    }
    expect(luhnValid('4242424242424241')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });

  it('recognises brands by prefix', () => {
    expect(cardBrand('4242424242424242')).toBe('visa');
    expect(cardBrand('5555555555554444')).toBe('mastercard');
    expect(cardBrand('2223003122003222')).toBe('mastercard');
    expect(cardBrand('378282246310005')).toBe('amex');
    expect(cardBrand('6200000000000005')).toBe('unionpay');
    expect(cardBrand('9000000000000000')).toBe('unknown');
  });
});

describe('parseInstrument', () => {
  it('normalises a card and keeps only what the provider needs', () => {
    expect(
      parseInstrument({ paymentId, method: 'card', cardNumber: '4242-4242 4242 4242', expiry: '03/26', cvc: '123' }, NOW),
    ).toEqual({
      method: 'card',
      number: '4242424242424242',
      brand: 'visa',
      last4: '4242',
      expiryMonth: 3,
      expiryYear: 2026,
      cvc: '123',
    });
  });

  it('treats a card as valid through the end of its expiry month, and accepts MM/YYYY', () => {
    const card = { paymentId, method: 'card' as const, cardNumber: '4242424242424242', cvc: '123' };
    expect(fieldOf(() => parseInstrument({ ...card, expiry: '03/26' }, NOW))).toBeUndefined();
    expect(fieldOf(() => parseInstrument({ ...card, expiry: '02/2026' }, NOW))).toBe('body.expiry');
    expect(fieldOf(() => parseInstrument({ ...card, expiry: '00/27' }, NOW))).toBe('body.expiry');
    expect(fieldOf(() => parseInstrument({ ...card, expiry: '01/99' }, NOW))).toBe('body.expiry');
  });

  it('asks amex for four CVC digits and others for three', () => {
    const amex = { paymentId, method: 'card' as const, cardNumber: '378282246310005', expiry: '12/30' };
    expect(fieldOf(() => parseInstrument({ ...amex, cvc: '123' }, NOW))).toBe('body.cvc');
    expect(fieldOf(() => parseInstrument({ ...amex, cvc: '1234' }, NOW))).toBeUndefined();
    expect(
      fieldOf(() =>
        parseInstrument({ paymentId, method: 'card', cardNumber: '4242424242424242', expiry: '12/30', cvc: '1234' }, NOW),
      ),
    ).toBe('body.cvc');
  });

  it('validates wallets: number, then pin, and refuses card fields', () => {
    expect(parseInstrument({ paymentId, method: 'nagad', walletNumber: '8801912345678', pin: '1234' }, NOW)).toEqual({
      method: 'nagad',
      number: '01912345678',
      last4: '5678',
      pin: '1234',
    });
    expect(fieldOf(() => parseInstrument({ paymentId, method: 'bkash', walletNumber: '0171234567', pin: '12345' }, NOW))).toBe(
      'body.walletNumber',
    );
    expect(fieldOf(() => parseInstrument({ paymentId, method: 'bkash', walletNumber: '01712345678', pin: '12' }, NOW))).toBe(
      'body.pin',
    );
    expect(
      fieldOf(() => parseInstrument({ paymentId, method: 'bkash', walletNumber: '01712345678', pin: '12345', cvc: '1' }, NOW)),
    ).toBe('body.cvc');
  });

  it('normalises Bangladeshi mobile numbers and rejects others', () => {
    expect(normaliseBdMobile('+880 1712-345678')).toBe('01712345678');
    expect(normaliseBdMobile('01312345678')).toBe('01312345678');
    expect(normaliseBdMobile('01212345678')).toBeNull();
    expect(normaliseBdMobile('+4401712345678')).toBeNull();
  });
});
