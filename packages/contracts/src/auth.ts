/**
 * The auth service's public API (`/api/auth`): request and response bodies for registration, login, OTPs,
 * refresh tokens and the JWKS. One schema per body, used for validation, types, OpenAPI and the frontend.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Uuid } from './common.js';

/** Bangladeshi mobile number: `+8801XXXXXXXXX` or `01XXXXXXXXX`, operator digit 3-9. Stored as `+8801...`. */
export const BD_MOBILE_PATTERN = '^(?:\\+880|0)1[3-9][0-9]{8}$';

export const PhoneNumber = Type.String({
  pattern: BD_MOBILE_PATTERN,
  description: 'Bangladeshi mobile number, +8801XXXXXXXXX or 01XXXXXXXXX (operator digit 3-9)',
  examples: ['+8801712345678', '01712345678'],
});
export const NormalizedPhone = Type.String({
  description: 'Mobile number in the form +8801XXXXXXXXX',
  examples: ['+8801712345678'],
});
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254, examples: ['rahim@example.com'] });
export const Password = Type.String({
  minLength: 1,
  maxLength: 128,
  description: 'At least 8 characters, not all of one kind (letters, digits, symbols), not a common password',
});

export const AuthUserView = Type.Object(
  { id: Uuid, name: Type.String(), email: Type.String(), phone: NormalizedPhone },
  { $id: 'AuthUser' },
);
export type AuthUserView = Static<typeof AuthUserView>;

export const RegisterBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, examples: ['Rahim Uddin'] }),
    email: Email,
    phone: PhoneNumber,
    password: Password,
  },
  { additionalProperties: false },
);
export type RegisterBody = Static<typeof RegisterBody>;

export const RegisterResponse = Type.Object({ user: AuthUserView });
export type RegisterResponse = Static<typeof RegisterResponse>;

export const LoginBody = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 128 }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const TokenResponse = Type.Object({
  token: Type.String({ description: 'Access token (EdDSA JWT); send as "Authorization: Bearer <token>"' }),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds until the access token expires' }),
  refreshToken: Type.String({ description: 'Single-use refresh token; each refresh returns a new one' }),
  refreshExpiresIn: Type.Integer({ description: 'Seconds until the refresh token expires' }),
  user: AuthUserView,
});
export type TokenResponse = Static<typeof TokenResponse>;

export const RefreshBody = Type.Object(
  { refreshToken: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);
export type RefreshBody = Static<typeof RefreshBody>;

export const LogoutBody = RefreshBody;
export type LogoutBody = Static<typeof LogoutBody>;

export const MeResponse = Type.Object({ user: AuthUserView });
export type MeResponse = Static<typeof MeResponse>;

export const OtpPurpose = Type.Union([
  Type.Literal('login'),
  Type.Literal('register'),
  Type.Literal('booking'),
  Type.Literal('reset'),
]);
export type OtpPurpose = Static<typeof OtpPurpose>;

export const OtpRequestBody = Type.Object(
  { phone: PhoneNumber, purpose: OtpPurpose, bookingId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export type OtpRequestBody = Static<typeof OtpRequestBody>;

export const OtpRequestResponse = Type.Object({
  requestId: Uuid,
  expiresIn: Type.Integer({ description: 'Seconds the code stays valid' }),
  devCode: Type.Optional(Type.String({ description: 'The code itself; only when OTP_DEV_ECHO=true (never in production)' })),
});
export type OtpRequestResponse = Static<typeof OtpRequestResponse>;

export const OtpVerifyBody = Type.Object(
  { requestId: Uuid, code: Type.String({ pattern: '^[0-9]{6}$', description: 'The 6-digit code' }) },
  { additionalProperties: false },
);
export type OtpVerifyBody = Static<typeof OtpVerifyBody>;

export const OtpVerifyResponse = Type.Object({
  verified: Type.Literal(true),
  phone: NormalizedPhone,
  purpose: OtpPurpose,
});
export type OtpVerifyResponse = Static<typeof OtpVerifyResponse>;

/** A public Ed25519 key as published in the JWKS (RFC 8037). */
export const PublicJwk = Type.Object(
  {
    kty: Type.String(),
    crv: Type.Optional(Type.String()),
    x: Type.Optional(Type.String()),
    kid: Type.String(),
    alg: Type.String(),
    use: Type.String(),
  },
  { additionalProperties: false },
);
export type PublicJwk = Static<typeof PublicJwk>;

export const JwksResponse = Type.Object({ keys: Type.Array(PublicJwk) });
export type JwksResponse = Static<typeof JwksResponse>;
