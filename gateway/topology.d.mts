// Types for topology.mjs (plain Node so scripts and the image build run it without a compile step).
export interface ServiceSpec {
  readonly name: 'auth' | 'train' | 'booking' | 'payment' | 'notification';
  /** Native port of the first instance; the container port of every instance. */
  readonly port: number;
  readonly database: string | null;
  /** Public path prefix routed by the gateway. */
  readonly apiPrefix: string;
  /** Runs as several instances behind the gateway (booking). */
  readonly replicated: boolean;
}

export interface ServiceEnvOptions {
  port?: number;
  host?: string;
  nodeEnv?: 'development' | 'test' | 'production';
  /** Server URL without a database, e.g. postgres://postgres@127.0.0.1:5432. */
  postgresUrl?: string;
  /** Database name per service when not the default `<svc>_db` (tests use fresh ones). */
  databases?: Partial<Record<ServiceSpec['name'], string>>;
  redisUrl?: string;
  redisKeyPrefix?: string;
  amqpUrl?: string;
  amqpExchange?: string;
  /** Host name other services are reached at: 127.0.0.1 natively, the service name in containers. */
  serviceHost?: (name: ServiceSpec['name']) => string;
  /** Base URL of another service when not host:default-port (tests, with ports picked at run time). */
  serviceUrl?: (name: ServiceSpec['name']) => string;
  otpDevEcho?: boolean;
  logLevel?: string;
  trustProxy?: string;
}

export const ROOT: string;
export const GATEWAY_PORT: number;
export const DEFAULT_BOOKING_REPLICAS: number;
export const REPLICA_PORT_STEP: number;
export const MAX_REPLICAS: number;
export const SERVICES: readonly ServiceSpec[];
export function serviceSpec(name: string): ServiceSpec;
export function bookingReplicas(env?: Record<string, string | undefined>): number;
export function instancePorts(spec: ServiceSpec, replicas?: number): number[];
export function isServicePresent(name: string, root?: string): boolean;
export function serviceEnv(spec: ServiceSpec, options?: ServiceEnvOptions): Record<string, string>;
