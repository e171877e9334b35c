/** The notification service's configuration, validated once at start-up. */
import { Type, baseConfigProperties, devDefault, devSecret, list, loadConfig, type Env } from '@rail/config';

export const NotificationConfigSchema = Type.Object({
  ...baseConfigProperties,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3005 }),
  /** notification_db: the issued e-tickets and the sent-message markers (Redis keeps only the development inbox). */
  DATABASE_URL: devDefault(Type.String({ minLength: 1 }), 'postgres://postgres@127.0.0.1:5432/notification_db'),
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  REDIS_URL: devDefault(Type.String({ pattern: '^rediss?://' }), 'redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: Type.String({ default: 'notification:', pattern: '^[A-Za-z0-9:_.-]*$' }),
  AMQP_URL: devDefault(Type.String({ pattern: '^amqps?://' }), 'amqp://guest:guest@127.0.0.1:5672'),
  AMQP_EXCHANGE: Type.String({ default: 'rail.events', minLength: 1 }),
  /** Queue names are `<prefix>.<event>`, e.g. notification.booking-confirmed. */
  QUEUE_PREFIX: Type.String({ default: 'notification', pattern: '^[A-Za-z0-9._-]+$' }),
  CONSUMER_PREFETCH: Type.Integer({ minimum: 1, maximum: 1000, default: 20 }),
  /** Shared secret other services send as `x-internal-token` to the send endpoints. */
  INTERNAL_API_TOKEN: devSecret(Type.String({ minLength: 16 }), 'dev-internal-token-change-me'),
  /** Ed25519 private key seed (32 bytes, base64url) signing the e-ticket QR payload. */
  TICKET_SIGNING_KEY: devSecret(
    Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: '32 bytes, base64url' }),
    'ZGV2LW9ubHktdGlja2V0LXNpZ25pbmctc2VlZC0zMmI',
  ),
  /** Messages kept per recipient in the development inbox (never in production). */
  INBOX_MAX_MESSAGES: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
  INBOX_TTL_SECONDS: Type.Integer({ minimum: 60, default: 7 * 24 * 3600 }),
  /** How long a sent message's idempotency marker is kept. */
  SENT_MARKER_TTL_SECONDS: Type.Integer({ minimum: 60, default: 30 * 24 * 3600 }),
  /** Asked (with the traveller's own token) when a confirmed booking's e-ticket is missing, to re-issue it. */
  BOOKING_SERVICE_URL: devDefault(Type.String({ minLength: 1 }), 'http://127.0.0.1:3003'),
  /** Asked for the trip's date and train when re-issuing an e-ticket. */
  TRAIN_SERVICE_URL: devDefault(Type.String({ minLength: 1 }), 'http://127.0.0.1:3002'),
  /** Per attempt, for the two calls above; past it the e-ticket read answers 503 with Retry-After. */
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 30_000, default: 2_000 }),
  /** Access tokens of GET /tickets/:bookingId are verified locally against the auth service's keys. */
  AUTH_JWKS_URL: devDefault(Type.String({ minLength: 1 }), 'http://127.0.0.1:3001/api/auth/.well-known/jwks.json'),
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'rail-auth' }),
  AUTH_AUDIENCE: Type.String({ minLength: 1, default: 'rail' }),
  TRUST_PROXY: Type.String({ default: '127.0.0.1,::1' }),
});

export type NotificationConfig = ReturnType<typeof loadNotificationConfig>;

export function loadNotificationConfig(env: Env = process.env) {
  return loadConfig('notification', NotificationConfigSchema, env);
}

export const trustProxy = (config: NotificationConfig) => list(config.TRUST_PROXY);
/** The development inbox exists only outside production. */
export const inboxEnabled = (config: NotificationConfig) => config.NODE_ENV !== 'production';
