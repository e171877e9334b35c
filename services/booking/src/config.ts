/** The booking service's configuration: validated once at start-up, frozen. */
import {
  baseConfigProperties,
  ConfigError,
  devDefault,
  devSecret,
  list,
  loadConfig,
  Type,
  type Env,
  type Static,
} from '@rail/config';
import { parsePassKeys, queuePassConfigProperties, type PassKeys } from '@rail/queue-pass';

export const BookingConfigSchema = Type.Object({
  ...baseConfigProperties,
  /** QUEUE_PASS_SECRET (the keys passes are verified with) and QUEUE_SERVICE_URL (where the active rooms are polled). */
  ...queuePassConfigProperties,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3003 }),
  DATABASE_URL: devDefault(Type.String({ minLength: 1 }), 'postgres://postgres@127.0.0.1:5432/booking_db'),
  /**
   * Connections per replica. 10: a winning select is one ~1 ms statement (no transaction), so 10 connections
   * carry thousands of winners a second, and `npm start`'s processes together stay under PostgreSQL's default
   * 100 connections (with 20 per replica they needed 104: "sorry, too many clients already" in a rush).
   */
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  REDIS_URL: devDefault(Type.String({ minLength: 1 }), 'redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: Type.String({ default: 'booking:', pattern: '^[^{}]*$' }),
  AMQP_URL: devDefault(Type.String({ minLength: 1 }), 'amqp://guest:guest@127.0.0.1:5672'),
  AMQP_EXCHANGE: Type.String({ minLength: 1, default: 'rail.events' }),
  /** Consumer queues are `<QUEUE_PREFIX>.<event>`; test runs use their own so they never share a dev system's queues. */
  QUEUE_PREFIX: Type.String({ default: 'booking', pattern: '^[A-Za-z0-9._-]+$' }),
  TRAIN_SERVICE_URL: devDefault(Type.String({ minLength: 1 }), 'http://127.0.0.1:3002'),
  AUTH_JWKS_URL: devDefault(Type.String({ minLength: 1 }), 'http://127.0.0.1:3001/api/auth/.well-known/jwks.json'),
  AUTH_ISSUER: Type.String({ default: 'rail-auth' }),
  AUTH_AUDIENCE: Type.String({ default: 'rail' }),
  OTP_PEPPER: devSecret(Type.String({ minLength: 16 }), 'dev-only-booking-otp-pepper-change-me'),
  OTP_DEV_ECHO: Type.Boolean({ default: false }),
  HOLD_TTL_SECONDS: Type.Integer({ minimum: 1, maximum: 3600, default: 300 }),
  /** A waitlist offer's own payment window (the traveller's hold on the seats given to them). */
  WAITLIST_OFFER_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 86_400, default: 900 }),
  /** Waitlist entries still waiting this long before departure are closed with a notice. */
  WAITLIST_CUTOFF_MINUTES: Type.Integer({ minimum: 0, maximum: 10_080, default: 120 }),
  /** How often the expiry job and the Redis sweeper run. */
  EXPIRY_INTERVAL_MS: Type.Integer({ minimum: 50, maximum: 60_000, default: 1000 }),
  TRUST_PROXY: Type.String({ default: '127.0.0.1,::1' }),
});

export type BookingConfig = Readonly<Static<typeof BookingConfigSchema>>;

export function loadBookingConfig(env: Env = process.env): BookingConfig {
  const config = loadConfig('booking', BookingConfigSchema, env);
  if (config.NODE_ENV === 'production' && config.OTP_DEV_ECHO) {
    throw new ConfigError('booking', ['OTP_DEV_ECHO=true is refused when NODE_ENV=production (it would leak OTPs)']);
  }
  passKeys(config);
  return config;
}

/** The waiting room's pass keys, parsed once (a bad QUEUE_PASS_SECRET fails the start with a clear message). */
const parsedKeys = new WeakMap<BookingConfig, PassKeys>();
export function passKeys(config: BookingConfig): PassKeys {
  let keys = parsedKeys.get(config);
  if (!keys) {
    try {
      keys = parsePassKeys(config.QUEUE_PASS_SECRET);
    } catch (err) {
      throw new ConfigError('booking', [(err as Error).message]);
    }
    parsedKeys.set(config, keys);
  }
  return keys;
}

export function trustProxy(config: BookingConfig): string[] {
  return list(config.TRUST_PROXY);
}
