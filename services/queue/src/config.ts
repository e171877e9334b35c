/** The queue (waiting room) service's configuration: environment variables validated once at start-up. */
import { baseConfigProperties, devDefault, loadConfig, Type, type Env, type Static } from '@rail/config';
import { queuePassConfigProperties } from '@rail/queue-pass';

export const QueueConfigSchema = Type.Object({
  ...baseConfigProperties,
  ...queuePassConfigProperties,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3006 }),
  REDIS_URL: devDefault(Type.String({ pattern: '^rediss?://' }), 'redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: Type.String({ default: 'queue:', pattern: '^[A-Za-z0-9:_.-]*$' }),
  AUTH_JWKS_URL: devDefault(Type.String({ minLength: 1 }), 'http://127.0.0.1:3001/api/auth/.well-known/jwks.json'),
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'rail-auth' }),
  AUTH_AUDIENCE: Type.String({ minLength: 1, default: 'rail' }),
  /** Seats left of a sale: GET {TRAIN_SERVICE_URL}/internal/sales/:date/seats (SaleSeatsResponse). */
  TRAIN_SERVICE_URL: devDefault(Type.String({ minLength: 1 }), 'http://127.0.0.1:3002'),
  /** Every booking replica (comma-separated): their /metrics give the load the admission rate follows. */
  BOOKING_SERVICE_URL: devDefault(Type.String({ minLength: 1 }), 'http://127.0.0.1:3003'),
  /** booking.confirmed ends the buyer's pass (consumer queue `<QUEUE_PREFIX>.booking-confirmed`). */
  AMQP_URL: devDefault(Type.String({ minLength: 1 }), 'amqp://guest:guest@127.0.0.1:5672'),
  AMQP_EXCHANGE: Type.String({ minLength: 1, default: 'rail.events' }),
  QUEUE_PREFIX: Type.String({ default: 'queue', pattern: '^[A-Za-z0-9._-]+$' }),
  UPSTREAM_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 30_000, default: 1_000 }),
  TRUST_PROXY: Type.String({ default: '127.0.0.1,::1' }),
  /**
   * Access tokens remembered once verified (@rail/auth-verify's cache; an entry is ~0.7 KB of heap, so 150,000
   * are ~110 MB, inside the pod's 384 Mi). Every waiting user checks in within a third of the grace period, so a
   * process sees the whole room's tokens over and over, in turn: an LRU smaller than the room then never hits,
   * and each check-in pays an Ed25519 check (bench:queue with 60,000 waiting and auth-verify's default 50,000:
   * 272 us a check-in instead of ~100). Size it above the largest room.
   */
  QUEUE_VERIFIED_TOKEN_CACHE_SIZE: Type.Integer({ minimum: 0, maximum: 2_000_000, default: 150_000 }),

  /** The rule: a date goes on sale this many days before, at this local time (QUEUE_SALE_TIME_ZONE). */
  QUEUE_SALE_OPENS_DAYS_BEFORE: Type.Integer({ minimum: 0, maximum: 365, default: 10 }),
  QUEUE_SALE_OPENS_AT: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', default: '08:00' }),
  QUEUE_SALE_TIME_ZONE: Type.String({ minLength: 1, default: 'Asia/Dhaka' }),
  /** The room takes joins from this many minutes before a scheduled opening (the pre-queue). */
  QUEUE_ROOM_OPENS_MINUTES_BEFORE: Type.Integer({ minimum: 0, maximum: 10_080, default: 30 }),
  /** Defaults of a room's capacity; an operator overrides them per sale (PUT /api/queue/admin/sales/:date). */
  QUEUE_ACTIVE_SHOPPERS: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1_000 }),
  QUEUE_ADMISSIONS_PER_SECOND: Type.Number({ exclusiveMinimum: 0, maximum: 100_000, default: 50 }),
  QUEUE_PASS_TTL_SECONDS: Type.Integer({ minimum: 10, maximum: 7_200, default: 600 }),
  /** A waiting place not checked in (GET .../me) within this long is given up. */
  QUEUE_CHECKIN_GRACE_SECONDS: Type.Integer({ minimum: 3, maximum: 3_600, default: 60 }),
  /**
   * How long an admitted shopper is expected to hold a slot (pass to purchase or leave): the waits' estimate
   * uses it for a full room until the room has seen its first departures, and measures it from then on.
   */
  QUEUE_EXPECTED_SHOPPING_SECONDS: Type.Integer({ minimum: 1, maximum: 7_200, default: 120 }),
  /**
   * At the opening every pre-queue place checks in to see its drawn number: their next check-ins are spread over
   * as many seconds as it takes at this rate (at most a third of the grace period), instead of all in one second.
   */
  QUEUE_OPENING_CHECKINS_PER_SECOND: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 500 }),
  /** The admission job's period. */
  QUEUE_TICK_MS: Type.Integer({ minimum: 20, maximum: 10_000, default: 250 }),
  /** How often a room's seats left is asked of train. */
  QUEUE_SEATS_REFRESH_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 3_000 }),
  /** How often booking's /metrics are sampled; each sample is the window since the one before. */
  QUEUE_LOAD_SAMPLE_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 5_000 }),
  /** Booking is overloaded above either threshold: the rate halves; below half of both it climbs back. */
  QUEUE_BOOKING_P95_MS: Type.Integer({ minimum: 1, maximum: 60_000, default: 300 }),
  QUEUE_BOOKING_ERROR_SHARE: Type.Number({ minimum: 0, maximum: 1, default: 0.02 }),
  /** A sample with fewer API requests than this says nothing about load. */
  QUEUE_BOOKING_MIN_REQUESTS: Type.Integer({ minimum: 1, default: 50 }),
  /** Overloaded samples in a row that switch rooms on for every date on sale; calm ones that may end them. */
  QUEUE_SATURATION_SAMPLES: Type.Integer({ minimum: 1, default: 3 }),
  QUEUE_SATURATION_CALM_SAMPLES: Type.Integer({ minimum: 1, default: 12 }),
});

export type QueueConfig = Readonly<Static<typeof QueueConfigSchema>>;

export function loadQueueConfig(env: Env = process.env): QueueConfig {
  return loadConfig('queue', QueueConfigSchema, env);
}
