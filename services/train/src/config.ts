/** The train service's configuration, validated once at start-up. */
import { Type, baseConfigProperties, devDefault, loadConfig, list, type Env } from '@rail/config';
import { queuePassConfigProperties } from '@rail/queue-pass';

export const TrainConfigSchema = Type.Object({
  ...baseConfigProperties,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3002 }),
  DATABASE_URL: devDefault(Type.String({ pattern: '^postgres(ql)?://' }), 'postgres://postgres@127.0.0.1:5432/train_db'),
  REDIS_URL: devDefault(Type.String({ pattern: '^rediss?://' }), 'redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: Type.String({ default: 'train:', pattern: '^[A-Za-z0-9:_.{}-]*$' }),
  BOOKING_SERVICE_URL: devDefault(Type.String({ pattern: '^https?://' }), 'http://127.0.0.1:3003'),
  /** Sign-in is checked (locally, from auth's JWKS) only where a waiting room needs to know who asks. */
  AUTH_JWKS_URL: devDefault(Type.String({ minLength: 1 }), 'http://127.0.0.1:3001/api/auth/.well-known/jwks.json'),
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'rail-auth' }),
  AUTH_AUDIENCE: Type.String({ minLength: 1, default: 'rail' }),
  /** QUEUE_PASS_SECRET (verifies waiting-room passes) and QUEUE_SERVICE_URL (the active rooms are polled there). */
  ...queuePassConfigProperties,
  /** How often the active waiting rooms are polled from the queue service, in the background. */
  QUEUE_ROOMS_POLL_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 1_000 }),
  /** The queue service asks a sale's seats left every few seconds per active room; answers are kept this long. */
  SALE_SEATS_CACHE_TTL_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 2_000 }),
  /** Sales open this many days ahead: tickets for today .. today + N (Asia/Dhaka). */
  SALES_WINDOW_DAYS: Type.Integer({ minimum: 0, maximum: 60, default: 10 }),
  AVAILABILITY_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 10_000, default: 500 }),
  /** After the booking service fails to answer, report "unknown" at once for this long. */
  AVAILABILITY_BACKOFF_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 1_000 }),
  /**
   * When booking fails or is slow, serve a segment's last good availability, marked "stale", while it is
   * at most this old; older (or 0) means 503 for seat maps and "unknown" counts for search.
   */
  AVAILABILITY_STALE_MAX_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 30_000 }),
  /** 0 disables the cache (used by the benchmark to measure it). */
  AVAILABILITY_CACHE_TTL_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 1_000 }),
  SEARCH_CACHE_TTL_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 2_000 }),
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  TRUST_PROXY: Type.String({ default: '127.0.0.1,::1' }),
});

export type TrainConfig = ReturnType<typeof loadTrainConfig>;

export function loadTrainConfig(env: Env = process.env) {
  return loadConfig('train', TrainConfigSchema, env);
}

export const trustProxy = (config: TrainConfig) => list(config.TRUST_PROXY);
