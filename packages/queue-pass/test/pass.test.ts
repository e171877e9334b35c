import { describe, expect, it } from 'vitest';
import { DEV_QUEUE_PASS_SECRET, parsePassKeys, queueRequired, signPass, verifyPass } from '../src/index.js';
import { toProblem } from '@rail/errors';

const S1 = 'a'.repeat(32);
const S2 = 'b'.repeat(40);
const keys = parsePassKeys(`k1:${S1},k2:${S2}`);
const now = 1_800_000_000_000;
const expect0 = { userId: 'u1', sale: '2026-12-10', nowMs: now };

describe('parsePassKeys', () => {
  it('signs with the first key and knows them all', () => {
    expect(keys.signing.kid).toBe('k1');
    expect([...keys.byKid.keys()]).toEqual(['k1', 'k2']);
    expect(parsePassKeys(DEV_QUEUE_PASS_SECRET).signing.kid).toBe('dev');
  });
  it('refuses short secrets, bad or repeated key ids and empty lists', () => {
    expect(() => parsePassKeys('k1:short')).toThrow(/shorter than 32/);
    expect(() => parsePassKeys(`k.1:${S1}`)).toThrow(/key id/);
    expect(() => parsePassKeys(`k1:${S1},k1:${S2}`)).toThrow(/twice/);
    expect(() => parsePassKeys('')).toThrow();
    expect(() => parsePassKeys(S1)).toThrow(/kid:secret/);
  });
});

describe('signPass / verifyPass', () => {
  const token = signPass(keys, { sub: 'u1', sale: '2026-12-10', expMs: now + 60_000, jti: 'j1' });

  it('has the compact v1 form and verifies for its user and sale', () => {
    expect(token).toMatch(/^v1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(verifyPass(keys, token, expect0)).toEqual({
      ok: true,
      claims: { sub: 'u1', sale: '2026-12-10', expMs: now + 60_000, jti: 'j1' },
    });
  });
  it('refuses another user, another sale and an expired pass', () => {
    expect(verifyPass(keys, token, { ...expect0, userId: 'u2' })).toEqual({ ok: false, reason: 'wrong-user' });
    expect(verifyPass(keys, token, { ...expect0, sale: '2026-12-11' })).toEqual({ ok: false, reason: 'wrong-sale' });
    expect(verifyPass(keys, token, { ...expect0, nowMs: now + 60_000 })).toEqual({ ok: false, reason: 'expired' });
  });
  it('refuses a tampered payload or signature', () => {
    const [v, kid, payload, sig] = token.split('.') as [string, string, string, string];
    const forged = Buffer.from(JSON.stringify({ sub: 'u2', sale: '2026-12-10', expMs: now + 60_000, jti: 'j1' })).toString(
      'base64url',
    );
    expect(verifyPass(keys, `${v}.${kid}.${forged}.${sig}`, expect0)).toEqual({ ok: false, reason: 'bad-signature' });
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(verifyPass(keys, `${v}.${kid}.${payload}.${flipped}`, expect0)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyPass(keys, `${v}.${kid}.${payload}.${sig.slice(2)}`, expect0)).toEqual({ ok: false, reason: 'bad-signature' });
  });
  it('refuses an unknown key id, and a pass signed with another secret under a known id', () => {
    const other = parsePassKeys(`k9:${S1}`);
    expect(verifyPass(keys, signPass(other, { sub: 'u1', sale: '2026-12-10', expMs: now + 1 }), expect0)).toEqual({
      ok: false,
      reason: 'unknown-key',
    });
    const impostor = parsePassKeys(`k1:${'c'.repeat(32)}`);
    expect(verifyPass(keys, signPass(impostor, { sub: 'u1', sale: '2026-12-10', expMs: now + 1000 }), expect0)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });
  it('verifies a pass signed with the second (older) key after rotation', () => {
    const old = parsePassKeys(`k2:${S2}`);
    expect(verifyPass(keys, signPass(old, { sub: 'u1', sale: '2026-12-10', expMs: now + 1000 }), expect0).ok).toBe(true);
  });
  it('calls garbage malformed', () => {
    for (const bad of ['', 'x', 'v1.k1.a', 'v2.k1.a.b', 'v1.k1..b', `v1.k1.${token}`]) {
      expect(verifyPass(keys, bad, expect0)).toEqual({ ok: false, reason: 'malformed' });
    }
  });
});

describe('queueRequired', () => {
  it('is a 403 QUEUE_REQUIRED naming the sale to queue for', () => {
    const problem = toProblem(queueRequired('2026-12-10'), 'r1');
    expect(problem).toMatchObject({
      status: 403,
      code: 'QUEUE_REQUIRED',
      queue: '/api/queue/sales/2026-12-10',
      date: '2026-12-10',
    });
  });
});
