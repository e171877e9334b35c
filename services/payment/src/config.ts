/** The payment service's configuration: environment variables validated once at start-up. */
import { baseConfigProperties, devDefault, loadConfig, Type, type Env, type Static } from '@rail/config';

export const PaymentConfigSchema = Type.Object({
  ...baseConfigProperties,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3004 }),
  DATABASE_URL: devDefault(Type.String({ minLength: 1 }), 'postgres://postgres@127.0.0.1:5432/payment_db'),
  /** The service's own pool (requests, outbox relay, consumers, jobs); sized from load-testing/bench-payment.mjs (README). */
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  /**
   * The mock provider's own pool on its tables: a separate system, so it never takes the service's connections.
   * It holds a connection for one statement per charge (no network wait inside), so a few go a long way.
   */
  PROVIDER_DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 50, default: 4 }),
  AMQP_URL: devDefault(Type.String({ minLength: 1 }), 'amqp://guest:guest@127.0.0.1:5672'),
  AMQP_EXCHANGE: Type.String({ minLength: 1, default: 'rail.events' }),
  /** Consumer queues are `<QUEUE_PREFIX>.<event>`; test runs use their own so they never share a dev system's queues. */
  QUEUE_PREFIX: Type.String({ default: 'payment', pattern: '^[A-Za-z0-9._-]+$' }),
  AUTH_JWKS_URL: devDefault(Type.String({ minLength: 1 }), 'http://127.0.0.1:3001/api/auth/.well-known/jwks.json'),
  AUTH_ISSUER: Type.String({ minLength: 1, default: 'rail-auth' }),
  AUTH_AUDIENCE: Type.String({ minLength: 1, default: 'rail' }),
  BOOKING_SERVICE_URL: devDefault(Type.String({ minLength: 1 }), 'http://127.0.0.1:3003'),
  /** How long to wait for the booking service before answering 503. */
  BOOKING_SERVICE_TIMEOUT_MS: Type.Integer({ minimum: 50, maximum: 30_000, default: 2_000 }),
  /** Simulated provider round trip of the mock provider, so timing behaves like a real gateway. */
  PROVIDER_LATENCY_MS: Type.Integer({ minimum: 0, maximum: 10_000, default: 150 }),
  /**
   * How long a verify waits for the provider before the outcome counts as unknown (503 PAYMENT_PROVIDER_UNAVAILABLE;
   * the attempt is resolved from the provider's ledger by the next verify or the reconciliation job). An attempt's
   * lease is this plus 5 s: a verify of the same payment meanwhile gets 409 PAYMENT_IN_PROGRESS.
   */
  PROVIDER_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
  TRUST_PROXY: Type.String({ default: '127.0.0.1,::1' }),
});

export type PaymentConfig = Readonly<Static<typeof PaymentConfigSchema>>;

export function loadPaymentConfig(env: Env = process.env): PaymentConfig {
  return loadConfig('payment', PaymentConfigSchema, env);
}
