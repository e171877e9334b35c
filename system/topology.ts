// The system's shape in one place: which services exist, their ports, databases, public path prefixes
// and the environment each one is started with. The native run (scripts/start.mjs), the migrations
// (scripts/migrate.mjs), the gateway renderer and the system tests all read it, and a test checks that
// docker-compose.yml and the Kubernetes manifests agree with it, so the runs cannot drift apart.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const GATEWAY_PORT = 8080;
export const DEFAULT_BOOKING_REPLICAS = 3;
/** Replica i of a replicated service listens on port + i * REPLICA_PORT_STEP (booking: 3003, 3013, 3023). */
export const REPLICA_PORT_STEP = 10;
export const MAX_REPLICAS = 9;

export type ServiceName = 'auth' | 'train' | 'booking' | 'payment' | 'notification' | 'queue';

export interface ServiceSpec {
  readonly name: ServiceName;
  /** Native port of the first instance; the container port of every instance. */
  readonly port: number;
  readonly database: string | null;
  /** Public path prefix routed by the gateway. */
  readonly apiPrefix: string;
  /** Runs as several instances behind the gateway (booking). */
  readonly replicated: boolean;
}

export const SERVICES: readonly ServiceSpec[] = Object.freeze([
  { name: 'auth', port: 3001, database: 'auth_db', apiPrefix: '/api/auth', replicated: false },
  { name: 'train', port: 3002, database: 'train_db', apiPrefix: '/api/trains', replicated: false },
  { name: 'booking', port: 3003, database: 'booking_db', apiPrefix: '/api/bookings', replicated: true },
  { name: 'payment', port: 3004, database: 'payment_db', apiPrefix: '/api/payments', replicated: false },
  { name: 'notification', port: 3005, database: 'notification_db', apiPrefix: '/api/notifications', replicated: false },
  // The waiting room: Redis only (operator overrides live in the sale's Redis hash, docs/waiting-room.md); one
  // instance, its admission job leads through a Redis lease anyway.
  { name: 'queue', port: 3006, database: null, apiPrefix: '/api/queue', replicated: false },
]);

export function serviceSpec(name: string): ServiceSpec {
  const spec = SERVICES.find((s) => s.name === name);
  if (!spec) throw new Error(`Unknown service "${name}"`);
  return spec;
}

/** Reads BOOKING_REPLICAS (default 3) and refuses anything outside 1..MAX_REPLICAS. */
export function bookingReplicas(env: Record<string, string | undefined> = process.env): number {
  const raw = env.BOOKING_REPLICAS;
  if (raw === undefined || raw === '') return DEFAULT_BOOKING_REPLICAS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_REPLICAS) {
    throw new Error(`BOOKING_REPLICAS=${JSON.stringify(raw)} is invalid (expected an integer from 1 to ${MAX_REPLICAS})`);
  }
  return n;
}

/** Ports of every instance of a service on one machine. */
export function instancePorts(spec: ServiceSpec, replicas = 1): number[] {
  const count = spec.replicated ? replicas : 1;
  return Array.from({ length: count }, (_, i) => spec.port + i * REPLICA_PORT_STEP);
}

export interface ServiceEnvOptions {
  port?: number;
  host?: string;
  nodeEnv?: 'development' | 'test' | 'production';
  /** Server URL without a database, e.g. postgres://postgres@127.0.0.1:5432. */
  postgresUrl?: string;
  /** Database name per service when not the default `<svc>_db` (tests use fresh ones). */
  databases?: Partial<Record<ServiceName, string>>;
  redisUrl?: string;
  redisKeyPrefix?: string;
  amqpUrl?: string;
  amqpExchange?: string;
  /** Host name other services are reached at: 127.0.0.1 natively, the service name in containers. */
  serviceHost?: (name: ServiceName) => string;
  /** Base URL of another service when not host:default-port (tests, with ports picked at run time). */
  serviceUrl?: (name: ServiceName) => string;
  /**
   * Instances of each replicated service on this machine (native runs): callers get every replica's URL,
   * comma-separated, and balance over them (@rail/service-client). Without it, or with `serviceHost` (containers,
   * where the service name is the balancer), one URL.
   */
  replicas?: number;
  otpDevEcho?: boolean;
  logLevel?: string;
  trustProxy?: string;
}

/**
 * The environment every service process gets. Every service receives the same variable names (unknown
 * ones are ignored by loadConfig), so adding a consumer of e.g. BOOKING_SERVICE_URL needs no script change.
 * `serviceHost` / `serviceUrl` say where the other services are: 127.0.0.1 natively, service names in containers.
 */
export function serviceEnv(spec: ServiceSpec, options: ServiceEnvOptions = {}): Record<string, string> {
  const {
    port = spec.port,
    host = '127.0.0.1',
    nodeEnv = 'development',
    postgresUrl = 'postgres://postgres@127.0.0.1:5432',
    databases = {},
    redisUrl = 'redis://127.0.0.1:6379',
    redisKeyPrefix = `${spec.name}:`,
    amqpUrl = 'amqp://guest:guest@127.0.0.1:5672',
    amqpExchange = 'rail.events',
    serviceHost = () => '127.0.0.1',
    serviceUrl,
    otpDevEcho = nodeEnv !== 'production',
    logLevel = 'info',
    trustProxy = '127.0.0.1,::1',
  } = options;
  const url = (name: ServiceName) => {
    const override = serviceUrl?.(name);
    if (override !== undefined) return override;
    const target = serviceSpec(name);
    const ports = options.replicas && !options.serviceHost ? instancePorts(target, options.replicas) : [target.port];
    return ports.map((p) => `http://${serviceHost(name)}:${p}`).join(',');
  };
  const env: Record<string, string> = {
    NODE_ENV: nodeEnv,
    LOG_LEVEL: logLevel,
    HOST: host,
    PORT: String(port),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    AMQP_URL: amqpUrl,
    AMQP_EXCHANGE: amqpExchange,
    AUTH_JWKS_URL: `${url('auth')}/api/auth/.well-known/jwks.json`,
    AUTH_ISSUER: 'rail-auth',
    AUTH_AUDIENCE: 'rail',
    TRAIN_SERVICE_URL: url('train'),
    BOOKING_SERVICE_URL: url('booking'),
    PAYMENT_SERVICE_URL: url('payment'),
    NOTIFICATION_SERVICE_URL: url('notification'),
    // Booking and train poll its /internal/rooms/active (@rail/queue-pass). QUEUE_PASS_SECRET is not passed: its
    // development default is the same in every process, and production sets it from a secret.
    QUEUE_SERVICE_URL: url('queue'),
    OTP_DEV_ECHO: String(otpDevEcho),
    TRUST_PROXY: trustProxy,
  };
  if (spec.database) env.DATABASE_URL = `${postgresUrl}/${databases[spec.name] ?? spec.database}`;
  return env;
}
