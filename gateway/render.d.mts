// Types for render.mjs (plain Node so scripts and the image build run it without a compile step).

export interface GatewaySettings {
  strictRate: string;
  strictBurst: number;
  selectAddrRate: string;
  selectAddrBurst: number;
  selectUserRate: string;
  selectUserBurst: number;
  apiAddrRate: string;
  apiAddrBurst: number;
  apiUserRate: string;
  apiUserBurst: number;
  streamsPerAddr: number;
  clientMaxBodySize: string;
  clientTimeout: string;
  connectTimeout: string;
  readTimeout: string;
  streamTimeout: string;
  microCacheTtl: string;
  failTimeout: string;
  maxFails: number;
  nextUpstreamTries: number;
  upstreamKeepalive: number;
  workerConnections: number;
  workerProcesses: string;
  trustedProxies: string[];
  exposeServedBy: boolean;
}

/** host:port servers per service name. */
export type Upstreams = Record<'auth' | 'train' | 'booking' | 'payment' | 'notification', string[]>;

export interface GatewayOptions {
  listen: string;
  runDir: string;
  frontendRoot: string;
  mimeTypes: string;
  accessLog: string;
  errorLog: string;
  user: string | null;
  upstreams: Upstreams;
  settings: GatewaySettings;
}

export interface SettingSpec {
  key: keyof GatewaySettings;
  env: string;
  kind: 'rate' | 'count' | 'positive' | 'size' | 'time' | 'workers' | 'addresses' | 'boolean';
  default: string | number | boolean | string[];
}

export const SETTINGS: readonly SettingSpec[];
export function resolveSettings(
  env?: Record<string, string | undefined>,
  overrides?: Partial<Record<keyof GatewaySettings, unknown>>,
): GatewaySettings;
export function retryAfterSeconds(rate: string): number;
export function renderGatewayConfig(options: GatewayOptions): string;
export function nativeUpstreams(replicas?: number): Upstreams;
export function nativeGatewayOptions(options?: {
  root?: string;
  env?: Record<string, string | undefined>;
  overrides?: Partial<Record<keyof GatewaySettings, unknown>>;
  port?: number;
  replicas?: number;
}): GatewayOptions;
export function containerGatewayOptions(options?: {
  env?: Record<string, string | undefined>;
  overrides?: Partial<Record<keyof GatewaySettings, unknown>>;
}): GatewayOptions;
