import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTicketSigner, ticketKeysFromSeed, verifyTicket } from '../../src/domain/ticket-qr.js';

const seed = randomBytes(32).toString('base64url');
const signer = createTicketSigner(seed);
const claims = {
  ref: 'K7M3QX',
  bookingId: '6f1c1c1e-8a4a-4c1e-9b1a-2f1d3c4b5a69',
  tripId: 42,
  date: '2026-04-08',
  from: 'DHK',
  to: 'CTG',
  seats: ['KA-12', 'KA-13'],
  passengers: 2,
};

describe('e-ticket QR payload', () => {
  it('is a compact signed string that verifies with the public key alone', () => {
    const token = signer.sign(claims, new Date('2026-04-01T00:00:00Z'));
    expect(token).toMatch(/^RT1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}$/);
    expect(token.length).toBeLessThan(400);
    const { publicKey } = ticketKeysFromSeed(seed);
    expect(verifyTicket(token, publicKey)).toEqual({ v: 1, ...claims, iat: 1775001600 });
    expect(signer.verify(token)?.ref).toBe('K7M3QX');
  });

  it('rejects an altered payload, a foreign key and malformed strings', () => {
    const token = signer.sign(claims);
    const [prefix, payload, signature] = token.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), seats: ['KA-1'] }),
    ).toString('base64url');
    expect(signer.verify(`${prefix}.${forged}.${signature}`)).toBeNull();
    expect(createTicketSigner(randomBytes(32).toString('base64url')).verify(token)).toBeNull();
    expect(signer.verify('RT1.abc')).toBeNull();
    expect(signer.verify(`RT2.${payload}.${signature}`)).toBeNull();
    expect(signer.verify(`${prefix}.${payload}.AAAA`)).toBeNull();
  });

  it('refuses a signing key that is not 32 bytes', () => {
    expect(() => createTicketSigner('c2hvcnQ')).toThrow(/32 bytes/);
  });

  it('exports the public key as an Ed25519 JWK for checkers', () => {
    expect(signer.publicJwk()).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(signer.publicJwk()).not.toHaveProperty('d');
  });
});
