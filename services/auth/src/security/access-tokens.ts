/**
 * Issues access tokens: short-lived EdDSA JWTs with `kid`, issuer, audience, the user id as `sub`, and the
 * contact claims other services need (the booking service sends its OTP to `phone`), and `roles` when the
 * account has any (`["admin"]` for the waiting room's operators; absent for travellers).
 */
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { AuthUserView } from '@rail/contracts/auth';
import { SIGNING_ALGORITHM, type SigningKeys } from './signing-keys.js';

export interface AccessTokenSettings {
  issuer: string;
  audience: string;
  ttlSeconds: number;
}

export type AccessTokenIssuer = (user: AuthUserView & { roles?: readonly string[] }) => Promise<string>;

export function createAccessTokenIssuer(keys: SigningKeys, settings: AccessTokenSettings): AccessTokenIssuer {
  return (user) =>
    new SignJWT({
      email: user.email,
      phone: user.phone,
      name: user.name,
      ...(user.roles && user.roles.length > 0 ? { roles: [...user.roles] } : {}),
    })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: keys.kid, typ: 'JWT' })
      .setSubject(user.id)
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setIssuedAt()
      .setExpirationTime(`${settings.ttlSeconds}s`)
      .setJti(randomUUID())
      .sign(keys.privateKey);
}
