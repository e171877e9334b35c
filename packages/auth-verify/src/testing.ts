/**
 * A throwaway token issuer for tests of services that verify tokens: an Ed25519 key pair in memory,
 * its JWKS, and a signer. The auth service itself issues real tokens the same way.
 */
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWTPayload } from 'jose';

export interface TestIssuer {
  jwks: JSONWebKeySet;
  issuer: string;
  audience: string;
  sign: (claims: JWTPayload & { sub: string }, options?: TestSignOptions) => Promise<string>;
}

export interface TestSignOptions {
  /** Relative ('15m') or an absolute expiry in seconds since the epoch (a past one makes an expired token). */
  expiresIn?: string | number;
  kid?: string;
  /** Override the issuer or audience, to make tokens that must be refused. */
  issuer?: string;
  audience?: string | string[];
  /** Issued-at in seconds since the epoch (default now), to make tokens that are too old or from the future. */
  issuedAt?: number;
}

export async function createTestIssuer(issuer = 'rail-auth', audience = 'rail'): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = 'test-key';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  return {
    jwks: { keys: [jwk] },
    issuer,
    audience,
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', kid: options.kid ?? kid })
        .setIssuer(options.issuer ?? issuer)
        .setAudience(options.audience ?? audience)
        .setIssuedAt(options.issuedAt)
        .setExpirationTime(options.expiresIn ?? '15m')
        .sign(privateKey),
  };
}
