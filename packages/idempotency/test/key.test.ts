/** The header's one format and the request fingerprint. */
import { describe, expect, it } from 'vitest';
import { canonicalJson, createFingerprint, fingerprintMatches, parseIdempotencyKey } from '@rail/idempotency';

describe('parseIdempotencyKey', () => {
  it.each(['3f6c1e2a-8b7d-4c1e-9f00-1234567890ab', 'load-1', 'a', 'x'.repeat(255), 'A~!#$%&*+/=?^_`{|}'])('accepts %s', (key) => {
    expect(parseIdempotencyKey(key)).toBe(key);
  });

  it('gives undefined when the header is absent', () => {
    expect(parseIdempotencyKey(undefined)).toBeUndefined();
  });

  it.each([
    ['spaces', 'has spaces in it'],
    ['the empty string', ''],
    ['256 characters', 'x'.repeat(256)],
    ['non-ASCII', 'clé'],
    ['a control character', 'a\tb'],
  ])('refuses %s with 400 IDEMPOTENCY_KEY_INVALID naming the header', (_name, key) => {
    expect(() => parseIdempotencyKey(key)).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'IDEMPOTENCY_KEY_INVALID',
        errors: [expect.objectContaining({ field: 'headers.idempotency-key' })],
      }),
    );
  });

  it('refuses a header sent twice', () => {
    expect(() => parseIdempotencyKey(['a', 'b'])).toThrow(expect.objectContaining({ code: 'IDEMPOTENCY_KEY_INVALID' }));
  });
});

describe('request fingerprints', () => {
  it('canonical JSON sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: undefined }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"z":1}]},"b":1}',
    );
  });

  it('the same request matches whatever its key order; another body or operation does not', () => {
    const fp = createFingerprint('POST /pay', { paymentId: 'p1', cardNumber: '4242424242424242' });
    expect(fingerprintMatches(fp, 'POST /pay', { cardNumber: '4242424242424242', paymentId: 'p1' })).toBe(true);
    expect(fingerprintMatches(fp, 'POST /pay', { cardNumber: '4000000000000002', paymentId: 'p1' })).toBe(false);
    expect(fingerprintMatches(fp, 'POST /other', { paymentId: 'p1', cardNumber: '4242424242424242' })).toBe(false);
  });

  it('is salted per claim and holds nothing of the body', () => {
    const a = createFingerprint('op', { cardNumber: '4242424242424242' });
    const b = createFingerprint('op', { cardNumber: '4242424242424242' });
    expect(a.salt.equals(b.salt)).toBe(false);
    expect(a.hash.equals(b.hash)).toBe(false);
    expect(a.hash.toString('hex')).not.toContain('4242');
  });
});
