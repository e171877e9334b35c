// Renders gateway/nginx.conf.template into a concrete nginx.conf: for the native run (upstreams on
// 127.0.0.1, paths under .run/nginx) or for the container image (upstreams by service name). Every limit
// has a validated value (from the options, the GATEWAY_* environment, or the defaults below); a bad value
// is refused with the variable's name, and there is no way to render a gateway without limits.
//
// CLI: node --import tsx gateway/render.ts --target native|container [--out FILE]   (values from GATEWAY_* variables)
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GATEWAY_PORT, ROOT, SERVICES, bookingReplicas, instancePorts, type ServiceName } from '../system/topology.js';

const TEMPLATE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'nginx.conf.template');
/** Same base as @rail/errors' problemType(), so gateway and service problems look alike. */
const PROBLEM_TYPE_BASE = 'https://rail.example/problems/';

const RATE = /^[1-9]\d{0,6}r\/[sm]$/;
const SIZE = /^[1-9]\d{0,6}[km]?$/;
const TIME = /^[1-9]\d{0,6}(ms|s|m|h)$/;
const ADDRESS = /^(\d{1,3}(\.\d{1,3}){3}(\/\d{1,2})?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*(\/\d{1,3})?|unix:)$/;

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
  upstreamConcurrency: number;
  workerConnections: number;
  workerProcesses: string;
  trustedProxies: string[];
  exposeServedBy: boolean;
}

/** Settings given as options: typed values, or strings as the environment would give them. */
export type SettingOverrides = Partial<Record<keyof GatewaySettings, unknown>>;

/** host:port servers per service name. */
export type Upstreams = Record<ServiceName, string[]>;

export interface GatewayOptions {
  listen: string;
  runDir: string;
  frontendRoot: string;
  mimeTypes: string;
  accessLog: string;
  errorLog: string;
  /** null omits the `user` directive (nginx runs as the user that starts it). */
  user: string | null;
  upstreams: Upstreams;
  /**
   * Instances behind each upstream, for the per-service concurrency limit; default: its number of servers. In a
   * container one server name stands for every replica (booking: BOOKING_REPLICAS), so the count is given here.
   */
  instances?: Partial<Record<ServiceName, number>>;
  settings: GatewaySettings;
}

export interface SettingSpec {
  readonly key: keyof GatewaySettings;
  readonly env: string;
  readonly kind: 'rate' | 'count' | 'positive' | 'size' | 'time' | 'workers' | 'addresses' | 'boolean';
  readonly default: string | number | boolean | readonly string[];
}

type Env = Record<string, string | undefined>;

/** Tunable settings: option key, environment variable, kind (validation) and default. */
export const SETTINGS: readonly SettingSpec[] = Object.freeze([
  { key: 'strictRate', env: 'GATEWAY_STRICT_RATE', kind: 'rate', default: '1r/s' },
  { key: 'strictBurst', env: 'GATEWAY_STRICT_BURST', kind: 'count', default: 10 },
  { key: 'selectAddrRate', env: 'GATEWAY_SELECT_ADDR_RATE', kind: 'rate', default: '50r/s' },
  { key: 'selectAddrBurst', env: 'GATEWAY_SELECT_ADDR_BURST', kind: 'count', default: 100 },
  { key: 'selectUserRate', env: 'GATEWAY_SELECT_USER_RATE', kind: 'rate', default: '5r/s' },
  { key: 'selectUserBurst', env: 'GATEWAY_SELECT_USER_BURST', kind: 'count', default: 10 },
  { key: 'apiAddrRate', env: 'GATEWAY_API_ADDR_RATE', kind: 'rate', default: '100r/s' },
  { key: 'apiAddrBurst', env: 'GATEWAY_API_ADDR_BURST', kind: 'count', default: 200 },
  { key: 'apiUserRate', env: 'GATEWAY_API_USER_RATE', kind: 'rate', default: '20r/s' },
  { key: 'apiUserBurst', env: 'GATEWAY_API_USER_BURST', kind: 'count', default: 50 },
  { key: 'streamsPerAddr', env: 'GATEWAY_STREAMS_PER_ADDR', kind: 'positive', default: 20 },
  { key: 'clientMaxBodySize', env: 'GATEWAY_MAX_BODY_SIZE', kind: 'size', default: '64k' },
  { key: 'clientTimeout', env: 'GATEWAY_CLIENT_TIMEOUT', kind: 'time', default: '10s' },
  { key: 'connectTimeout', env: 'GATEWAY_CONNECT_TIMEOUT', kind: 'time', default: '2s' },
  { key: 'readTimeout', env: 'GATEWAY_READ_TIMEOUT', kind: 'time', default: '15s' },
  { key: 'streamTimeout', env: 'GATEWAY_STREAM_TIMEOUT', kind: 'time', default: '1h' },
  { key: 'microCacheTtl', env: 'GATEWAY_MICRO_CACHE_TTL', kind: 'time', default: '1s' },
  { key: 'failTimeout', env: 'GATEWAY_FAIL_TIMEOUT', kind: 'time', default: '10s' },
  { key: 'maxFails', env: 'GATEWAY_MAX_FAILS', kind: 'positive', default: 3 },
  { key: 'nextUpstreamTries', env: 'GATEWAY_NEXT_UPSTREAM_TRIES', kind: 'positive', default: 2 },
  { key: 'upstreamKeepalive', env: 'GATEWAY_UPSTREAM_KEEPALIVE', kind: 'positive', default: 64 },
  // Backpressure: requests in flight at once per instance of a service (the limit of a service is this times its
  // instance count: booking 3 x 64 = 192 natively). One Node process spends 0.3-1 ms of CPU on an API request
  // (docs/benchmarks.md), so 64 waiting in its event loop is at most ~65 ms of queue: well inside the 300 ms p99
  // goal, while anything beyond that only grows the queue and ends in a slow 504. Over the limit the gateway
  // answers at once with a JSON 429 and Retry-After: 1.
  { key: 'upstreamConcurrency', env: 'GATEWAY_UPSTREAM_CONCURRENCY', kind: 'positive', default: 64 },
  { key: 'workerConnections', env: 'GATEWAY_WORKER_CONNECTIONS', kind: 'positive', default: 4096 },
  { key: 'workerProcesses', env: 'GATEWAY_WORKER_PROCESSES', kind: 'workers', default: 'auto' },
  { key: 'trustedProxies', env: 'GATEWAY_TRUSTED_PROXIES', kind: 'addresses', default: ['127.0.0.1', '::1'] },
  { key: 'exposeServedBy', env: 'GATEWAY_EXPOSE_SERVED_BY', kind: 'boolean', default: false },
]);

function invalid(setting: SettingSpec, value: unknown, expected: string): Error {
  return new Error(`${setting.env} (${setting.key}) = ${JSON.stringify(value)} is invalid: expected ${expected}`);
}

/** Parses a value (string from the environment, or a typed option) for one setting; throws naming it. */
function parseSetting(setting: SettingSpec, value: unknown): GatewaySettings[keyof GatewaySettings] {
  const text = typeof value === 'string' ? value.trim() : value;
  switch (setting.kind) {
    case 'rate':
      if (typeof text !== 'string' || !RATE.test(text)) throw invalid(setting, value, 'a rate like 10r/s or 30r/m (never 0)');
      return text;
    case 'size':
      if (!SIZE.test(String(text))) throw invalid(setting, value, 'a size like 64k or 1m');
      return String(text);
    case 'time':
      if (typeof text !== 'string' || !TIME.test(text)) throw invalid(setting, value, 'a duration like 500ms, 15s, 1h');
      return text;
    case 'count':
    case 'positive': {
      const n = typeof text === 'number' ? text : /^\d{1,7}$/.test(String(text)) ? Number(text) : NaN;
      const min = setting.kind === 'count' ? 0 : 1;
      if (!Number.isInteger(n) || n < min) throw invalid(setting, value, `an integer >= ${min}`);
      return n;
    }
    case 'workers':
      if (text === 'auto' || (Number.isInteger(Number(text)) && Number(text) >= 1)) return String(text);
      throw invalid(setting, value, '"auto" or an integer >= 1');
    case 'addresses': {
      const list: unknown[] = Array.isArray(text) ? text : String(text).split(',');
      const entries = list.map((s) => String(s).trim()).filter(Boolean);
      if (entries.length === 0 || entries.some((a) => !ADDRESS.test(a))) {
        throw invalid(setting, value, 'a comma-separated list of addresses or CIDR ranges');
      }
      return entries;
    }
    case 'boolean':
      if (text === true || text === 'true' || text === '1') return true;
      if (text === false || text === 'false' || text === '0') return false;
      throw invalid(setting, value, '"true" or "false"');
    default:
      throw new Error(`unknown setting kind ${String(setting.kind satisfies never)}`);
  }
}

/** Settings from GATEWAY_* variables over the defaults, then explicit overrides over both. */
export function resolveSettings(env: Env = process.env, overrides: SettingOverrides = {}): GatewaySettings {
  const unknown = Object.keys(overrides).filter((k) => !SETTINGS.some((s) => s.key === k));
  if (unknown.length > 0) throw new Error(`unknown gateway setting(s): ${unknown.join(', ')}`);
  const out: Record<string, unknown> = {};
  for (const setting of SETTINGS) {
    const raw =
      overrides[setting.key] ?? (env[setting.env] !== undefined && env[setting.env] !== '' ? env[setting.env] : undefined);
    out[setting.key] = raw === undefined ? parseSetting(setting, setting.default) : parseSetting(setting, raw);
  }
  // Every key of GatewaySettings is in SETTINGS, each parsed to its kind's type.
  return out as unknown as GatewaySettings;
}

/** Seconds a client should wait after a 429 from a zone with this rate: one request's worth, at least 1. */
export function retryAfterSeconds(rate: string): number {
  const [, n, unit] = /^(\d+)r\/([sm])$/.exec(rate) ?? [];
  const perSecond = unit === 'm' ? Number(n) / 60 : Number(n);
  return Math.max(1, Math.ceil(1 / perSecond));
}

const SECURITY_HEADERS = [
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=()'],
  [
    'Content-Security-Policy',
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
      "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  ],
];

function securityHeaders(indent: string): string {
  return SECURITY_HEADERS.map(([name, value]) => `${indent}add_header ${name} "${value}" always;`).join('\n');
}

interface Problem {
  name: string;
  status: keyof typeof TITLES;
  code: string;
  detail: string;
  retryAfter?: string;
  /** The statuses nginx itself produces that are answered with this problem; default: [status]. */
  from?: readonly number[];
  /**
   * Answered from a named location, which keeps the request's URI ($uri): the 429's Retry-After depends on the
   * route. Only for statuses that arise after the request was read (a limit), so there is always a URI.
   */
  named?: true;
}

const TITLES = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
} as const;

/**
 * Everything nginx answers by itself, as a JSON problem. `from` lists nginx's own statuses: 494 is its internal
 * code for a request header (or the request line plus headers) larger than large_client_header_buffers, sent as a
 * 431 here; 400 covers a request line it cannot read (a raw space or NUL in the path, `OPTIONS *`, garbage).
 */
const PROBLEMS: readonly Problem[] = [
  { name: 'bad_request', status: 400, code: 'BAD_REQUEST', detail: 'The request could not be read.' },
  { name: 'forbidden', status: 403, code: 'FORBIDDEN', detail: 'This path is not served.' },
  { name: 'not_found', status: 404, code: 'ROUTE_NOT_FOUND', detail: 'No route for this path.' },
  { name: 'method_not_allowed', status: 405, code: 'METHOD_NOT_ALLOWED', detail: 'This method is not allowed here.' },
  { name: 'request_timeout', status: 408, code: 'REQUEST_TIMEOUT', detail: 'The request was not received in time.' },
  {
    name: 'too_large',
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    detail: 'The request body is larger than the gateway accepts.',
  },
  { name: 'uri_too_long', status: 414, code: 'URI_TOO_LONG', detail: 'The request path is longer than the gateway accepts.' },
  {
    name: 'too_many_requests',
    status: 429,
    code: 'RATE_LIMITED',
    detail: 'Too many requests; wait for the number of seconds in Retry-After, then try again.',
    retryAfter: '$rail_retry_after_sent',
    named: true,
  },
  {
    name: 'headers_too_large',
    status: 431,
    code: 'HEADERS_TOO_LARGE',
    detail: 'The request headers are larger than the gateway accepts.',
    from: [494],
  },
  {
    name: 'frontend_missing',
    status: 404,
    code: 'APP_NOT_BUILT',
    detail: 'The web app is not available on this gateway (frontend/dist was not built).',
    from: [],
  },
  { name: 'internal', status: 500, code: 'INTERNAL', detail: 'Something went wrong on our side. Please try again.' },
  { name: 'not_implemented', status: 501, code: 'NOT_IMPLEMENTED', detail: 'The gateway does not support this request.' },
  {
    name: 'bad_gateway',
    status: 502,
    code: 'UPSTREAM_UNAVAILABLE',
    detail: 'The service behind this path is unavailable; try again shortly.',
    retryAfter: '1',
  },
  {
    name: 'unavailable',
    status: 503,
    code: 'SERVICE_UNAVAILABLE',
    detail: 'The service is busy; try again shortly.',
    retryAfter: '1',
  },
  {
    name: 'gateway_timeout',
    status: 504,
    code: 'UPSTREAM_TIMEOUT',
    detail: 'The service behind this path did not answer in time; try again shortly.',
  },
  { name: 'http_version', status: 505, code: 'HTTP_VERSION_NOT_SUPPORTED', detail: 'Use HTTP/1.1 or HTTP/2.' },
];

/**
 * Where nginx's own answers are produced: exact internal URIs, not named locations, because a named location
 * needs a request URI and a request whose line nginx could not read has none (it would end in an HTML 500).
 */
const PROBLEM_PREFIX = '/.rail-problems/';

export function problemUri(name: string): string {
  return PROBLEMS.find((p) => p.name === name)?.named ? `@${name}` : PROBLEM_PREFIX + name;
}

function errorPages(): string {
  return PROBLEMS.flatMap((p) =>
    (p.from ?? [p.status]).map(
      (from) => `    error_page ${from} ${from === p.status ? '' : `=${p.status} `}${problemUri(p.name)};`,
    ),
  ).join('\n');
}

function problemLocations(): string {
  const indent = '    ';
  return PROBLEMS.map((p) => {
    const body = JSON.stringify({
      type: PROBLEM_TYPE_BASE + p.code.toLowerCase().replace(/_/g, '-'),
      title: TITLES[p.status],
      status: p.status,
      detail: p.detail,
      code: p.code,
      requestId: '__REQUEST_ID__',
    }).replace('__REQUEST_ID__', '$rail_request_id');
    const lines = [
      `${indent}location ${p.named ? '' : '= '}${problemUri(p.name)} {`,
      `${indent}  internal;`,
      `${indent}  default_type application/problem+json;`,
      `${indent}  add_header X-Request-Id $rail_request_id always;`,
      securityHeaders(`${indent}  `),
      ...(p.retryAfter ? [`${indent}  add_header Retry-After ${p.retryAfter} always;`] : []),
      `${indent}  return ${p.status} '${body}';`,
      `${indent}}`,
    ];
    return lines.join('\n');
  }).join('\n');
}

/**
 * Service-to-service routes, never routed by the public gateway whatever prefix or spelling they are asked
 * under (matched case-insensitively against the normalised path, after nginx has decoded %XX and resolved
 * dot segments). Every internal route of every service is here: `/internal/...` (train, booking) and the
 * notification service's `send-*` endpoints, which other services call with x-internal-token.
 */
export const INTERNAL_ROUTES: readonly { pattern: string; why: string }[] = [
  { pattern: '^/internal(/|$)', why: 'service-to-service reads (train inventory, booking availability)' },
  { pattern: '^/api/[^/]+/internal(/|$)', why: 'the same under any public prefix' },
  { pattern: '^/api/notifications/send-', why: 'send-otp, send-confirmation: called by booking with x-internal-token' },
];

function internalLocations(): string {
  return INTERNAL_ROUTES.map((r) => `    # ${r.why}\n    location ~* ${r.pattern} {\n      return 404;\n    }`).join('\n');
}

const UPSTREAM_NAME = /^[a-z][a-z0-9_-]*$/;
const SERVER = /^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;

function upstreamBlocks(upstreams: Upstreams, settings: GatewaySettings): string {
  return SERVICES.map((spec) => {
    const servers = upstreams[spec.name];
    if (!Array.isArray(servers) || servers.length === 0) throw new Error(`no upstream servers for ${spec.name}`);
    for (const server of servers) if (!SERVER.test(server)) throw new Error(`bad upstream server "${server}" for ${spec.name}`);
    if (!UPSTREAM_NAME.test(spec.name)) throw new Error(`bad upstream name ${spec.name}`);
    return [
      `  upstream ${spec.name} {`,
      // Shared memory: every worker sees the same connection counts and the same failed instances.
      `    zone upstream_${spec.name} 256k;`,
      '    least_conn;',
      ...servers.map((s) => `    server ${s} max_fails=${settings.maxFails} fail_timeout=${settings.failTimeout};`),
      `    keepalive ${settings.upstreamKeepalive};`,
      '    keepalive_requests 10000;',
      // Below the services' own idle timeout (Fastify: 72 s), so nginx never reuses a socket being closed.
      '    keepalive_timeout 60s;',
      '  }',
    ].join('\n');
  }).join('\n\n');
}

/**
 * Services whose requests mostly wait on something outside the process rather than use its CPU get that many
 * times the slots: a payment verify spends ~150 ms (the mock provider; 1-3 s for a real one) waiting on the
 * provider, so 64 slots capped payment at ~300 verifies/s and refused paying travellers in a rush (1,451 x 429 on
 * pay-initiate in one run) while the payment process was idle. The queue's requests are a Redis round trip and
 * ~0.1 ms of CPU each (bench:queue): 64 in flight is a few ms of its work, and in a rush a waiting room's
 * check-ins and joins arrive by the thousand a second, so 64 refused them (3,071 check-ins in a 2,000-user trial,
 * 122,659 queue requests in a 10,000-user series: every one "limiting connections by zone inflight_queue") while
 * its event loop kept up. Each service's own load shedding still guards its CPU.
 */
export const WAITING_SERVICE_FACTOR: Partial<Record<ServiceName, number>> = { payment: 4, queue: 4 };

/**
 * In-flight request limit per service: settings.upstreamConcurrency per instance, times its instances (given,
 * or its number of servers), times WAITING_SERVICE_FACTOR where it has one. As template values authConcurrency,
 * trainConcurrency, bookingConcurrency, ...
 */
export function upstreamConcurrency(options: GatewayOptions): Record<`${ServiceName}Concurrency`, number> {
  const out: Partial<Record<`${ServiceName}Concurrency`, number>> = {};
  for (const spec of SERVICES) {
    const instances = options.instances?.[spec.name] ?? options.upstreams[spec.name]?.length ?? 1;
    if (!Number.isInteger(instances) || instances < 1) throw new Error(`instances of ${spec.name} must be an integer >= 1`);
    out[`${spec.name}Concurrency`] = options.settings.upstreamConcurrency * instances * (WAITING_SERVICE_FACTOR[spec.name] ?? 1);
  }
  // SERVICES names every ServiceName once.
  return out as Record<`${ServiceName}Concurrency`, number>;
}

/**
 * Renders the template. `options`: listen, runDir, frontendRoot, mimeTypes, accessLog, errorLog, user
 * (null to omit the directive), upstreams ({ service: ['host:port', ...] }), settings (resolveSettings()).
 */
export function renderGatewayConfig(options: GatewayOptions): string {
  const { settings } = options;
  for (const key of ['listen', 'runDir', 'frontendRoot', 'mimeTypes', 'accessLog', 'errorLog'] as const) {
    if (typeof options[key] !== 'string' || options[key] === '' || /[;{}'"\s]/.test(options[key])) {
      throw new Error(`gateway option ${key} must be a non-empty path or address without spaces or ; { } quotes`);
    }
  }
  const values: Record<string, unknown> = {
    ...settings,
    listen: options.listen,
    runDir: options.runDir,
    frontendRoot: options.frontendRoot,
    mimeTypes: options.mimeTypes,
    accessLog: options.accessLog,
    errorLog: options.errorLog,
    userDirective: options.user ? `user ${options.user};` : '# (no user directive: nginx runs as the user that starts it)',
    realIpFrom: settings.trustedProxies.map((a) => `  set_real_ip_from ${a};`).join('\n'),
    upstreams: upstreamBlocks(options.upstreams, settings),
    securityHeaders: securityHeaders('    '),
    hideServedBy: settings.exposeServedBy ? '' : '    proxy_hide_header X-Served-By;',
    problemLocations: problemLocations(),
    errorPages: errorPages(),
    frontendMissing: problemUri('frontend_missing'),
    internalLocations: internalLocations(),
    upstreamConnZones: SERVICES.map((spec) => `  limit_conn_zone $rail_upstream_key zone=inflight_${spec.name}:1m;`).join('\n'),
    ...upstreamConcurrency(options),
    strictRetryAfter: retryAfterSeconds(settings.strictRate),
    selectRetryAfter: Math.max(retryAfterSeconds(settings.selectAddrRate), retryAfterSeconds(settings.selectUserRate)),
    apiRetryAfter: Math.max(retryAfterSeconds(settings.apiAddrRate), retryAfterSeconds(settings.apiUserRate)),
  };
  const template = readFileSync(TEMPLATE, 'utf8');
  const rendered = template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`template placeholder {{${name}}} has no value`);
    return String(values[name]);
  });
  return rendered;
}

/** Upstreams of the native run: every instance on 127.0.0.1 (booking: one per replica). */
export function nativeUpstreams(replicas = bookingReplicas()): Upstreams {
  return upstreamsOf((spec) => instancePorts(spec, replicas).map((p) => `127.0.0.1:${p}`));
}

function upstreamsOf(servers: (spec: (typeof SERVICES)[number]) => string[]): Upstreams {
  // SERVICES names every ServiceName once, so the entries cover every key of Upstreams.
  return Object.fromEntries(SERVICES.map((spec) => [spec.name, servers(spec)])) as Upstreams;
}

/** Options for the native run under <root>/.run/nginx. */
export function nativeGatewayOptions({
  root = ROOT,
  env = process.env,
  overrides = {},
  port,
  replicas,
}: { root?: string; env?: Env; overrides?: SettingOverrides; port?: number; replicas?: number } = {}): GatewayOptions {
  const mimeTypes = '/etc/nginx/mime.types';
  if (!existsSync(mimeTypes)) throw new Error(`${mimeTypes} is missing: install nginx (apt-get install nginx-light)`);
  const runDir = path.join(root, '.run', 'nginx');
  return {
    listen: String(port ?? env.GATEWAY_PORT ?? GATEWAY_PORT),
    runDir,
    frontendRoot: path.join(root, 'frontend', 'dist'),
    mimeTypes,
    accessLog: path.join(runDir, 'logs', 'access.log'),
    errorLog: 'stderr',
    user: process.getuid?.() === 0 ? 'nobody nogroup' : null,
    upstreams: nativeUpstreams(replicas ?? bookingReplicas(env)),
    // Natively X-Served-By is shown unless GATEWAY_EXPOSE_SERVED_BY says otherwise (the image hides it).
    settings: resolveSettings(env, { ...(env.GATEWAY_EXPOSE_SERVED_BY ? {} : { exposeServedBy: true }), ...overrides }),
  };
}

/**
 * Options for the container image (nginxinc/nginx-unprivileged: runs as uid 101, writable /tmp only).
 * Several replicas of a service share one name; nginx balances over every address the name resolves to.
 */
export function containerGatewayOptions({
  env = process.env,
  overrides = {},
}: { env?: Env; overrides?: SettingOverrides } = {}): GatewayOptions {
  return {
    listen: String(env.GATEWAY_PORT ?? GATEWAY_PORT),
    // Direct children of /tmp (nginx creates one directory level, not a path): an emptyDir in Kubernetes.
    runDir: '/tmp',
    frontendRoot: '/usr/share/nginx/html',
    mimeTypes: '/etc/nginx/mime.types',
    accessLog: '/dev/stdout',
    errorLog: '/dev/stderr',
    user: null,
    upstreams: upstreamsOf((spec) => [`${spec.name}:${spec.port}`]),
    // One name stands for every booking replica; the concurrency limit counts them (BOOKING_REPLICAS, default 3).
    instances: { booking: bookingReplicas(env) },
    settings: resolveSettings(env, overrides),
  };
}

function main(argv: string[]): void {
  const args = new Map<string | undefined, string | undefined>();
  for (let i = 0; i < argv.length; i += 2) args.set(argv[i], argv[i + 1]);
  const target = args.get('--target');
  if (target !== 'native' && target !== 'container') {
    process.stderr.write('usage: node --import tsx gateway/render.ts --target native|container [--out FILE]\n');
    process.exit(2);
  }
  const options = target === 'native' ? nativeGatewayOptions() : containerGatewayOptions();
  const config = renderGatewayConfig(options);
  const out = args.get('--out');
  if (out) writeFileSync(out, config);
  else process.stdout.write(config);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`✗ ${(err as Error).message}\n`);
    process.exit(1);
  }
}
