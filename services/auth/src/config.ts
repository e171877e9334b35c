/**
 * The auth service's configuration: one schema, validated once at start-up. On top of the schema,
 * production refuses to start without a signing key (AUTH_PRIVATE_KEY or AUTH_PRIVATE_KEY_FILE: the key
 * lives outside the database there) and with OTP_DEV_ECHO=true.
 */
import { ACCESS_TOKEN_MAX_AGE_SECONDS } from '@rail/auth-verify';
import { baseConfigProperties, ConfigError, devDefault, devSecret, loadConfig, Type, type Env, type Static } from '@rail/config';

export const AuthConfigSchema = Type.Object({
  ...baseConfigProperties,
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3001 }),
  DATABASE_URL: devDefault(Type.String({ minLength: 1 }), 'postgres://postgres@127.0.0.1:5432/auth_db'),
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  REDIS_URL: devDefault(Type.String({ minLength: 1 }), 'redis://127.0.0.1:6379'),
  /** The broker the outbox relay publishes otp.requested to (the notification service sends the SMS). */
  AMQP_URL: devDefault(Type.String({ minLength: 1 }), 'amqp://guest:guest@127.0.0.1:5672'),
  AMQP_EXCHANGE: Type.String({ minLength: 1, default: 'rail.events' }),
  REDIS_KEY_PREFIX: Type.String({ default: 'auth:' }),
  TRUST_PROXY: Type.String({ default: '127.0.0.1,::1' }),

  AUTH_ISSUER: Type.String({ minLength: 1, default: 'rail-auth' }),
  AUTH_AUDIENCE: Type.String({ minLength: 1, default: 'rail' }),
  /** Ed25519 private key, PKCS8 PEM or a private JWK (JSON). Required in production; generated and kept in auth_db otherwise. */
  AUTH_PRIVATE_KEY: Type.Optional(Type.String({ minLength: 1, description: 'an Ed25519 private key (PKCS8 PEM or JWK JSON)' })),
  /** A file holding that key instead (a mounted secret: Kubernetes Secret volume, Docker secret, a secret store's agent). */
  AUTH_PRIVATE_KEY_FILE: Type.Optional(Type.String({ minLength: 1, description: 'a path to a file holding the private key' })),
  /** Key id for AUTH_PRIVATE_KEY; the RFC 7638 thumbprint when unset. */
  AUTH_KEY_ID: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  /** Public keys still accepted during a rotation: a JWKS or an array of JWKs (JSON). */
  AUTH_PREVIOUS_PUBLIC_KEYS: Type.Optional(Type.String({ minLength: 1, description: 'a JWKS (JSON) of previous public keys' })),
  /** At most the verifiers' maximum token age (@rail/auth-verify), or issued tokens would be refused before they expire. */
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({
    minimum: 60,
    maximum: ACCESS_TOKEN_MAX_AGE_SECONDS,
    default: ACCESS_TOKEN_MAX_AGE_SECONDS,
  }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 300, maximum: 90 * 86400, default: 30 * 86400 }),
  JWKS_MAX_AGE_SECONDS: Type.Integer({ minimum: 0, maximum: 86400, default: 300 }),

  /** argon2id cost; see docs/auth.md for how these were chosen. */
  ARGON2_MEMORY_KIB: Type.Integer({ minimum: 4096, maximum: 1_048_576, default: 12_288 }),
  ARGON2_TIME_COST: Type.Integer({ minimum: 1, maximum: 10, default: 1 }),

  LOGIN_FAILURE_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 86400, default: 900 }),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: Type.Integer({ minimum: 1, maximum: 1000, default: 5 }),
  LOGIN_MAX_FAILURES_PER_ADDRESS: Type.Integer({ minimum: 1, maximum: 100_000, default: 50 }),

  OTP_PEPPER: devSecret(
    Type.String({ minLength: 32, description: 'a secret of at least 32 characters' }),
    'development-otp-pepper-not-for-production!',
  ),
  OTP_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 3600, default: 300 }),
  OTP_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 20, default: 5 }),
  OTP_RESEND_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 60 }),
  OTP_MAX_SENDS_PER_ADDRESS: Type.Integer({ minimum: 1, maximum: 100_000, default: 30 }),
  OTP_ADDRESS_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 86400, default: 600 }),
  OTP_DEV_ECHO: Type.Boolean({ default: false }),
});

export type AuthConfig = Readonly<Static<typeof AuthConfigSchema>>;

/** Loads and checks the configuration; throws ConfigError naming every problem. */
export function loadAuthConfig(env: Env = process.env): AuthConfig {
  const config = loadConfig('auth', AuthConfigSchema, env);
  const problems: string[] = [];
  if (config.AUTH_PRIVATE_KEY && config.AUTH_PRIVATE_KEY_FILE)
    problems.push('Set AUTH_PRIVATE_KEY or AUTH_PRIVATE_KEY_FILE, not both');
  if (config.NODE_ENV === 'production') {
    if (!config.AUTH_PRIVATE_KEY && !config.AUTH_PRIVATE_KEY_FILE)
      problems.push(
        'AUTH_PRIVATE_KEY (an Ed25519 PKCS8 PEM or JWK) or AUTH_PRIVATE_KEY_FILE (a file holding it) is required in production',
      );
    if (config.OTP_DEV_ECHO) problems.push('OTP_DEV_ECHO=true is refused in production: it would hand out login codes');
  }
  if (problems.length > 0) throw new ConfigError('auth', problems);
  return config;
}
