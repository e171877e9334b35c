/**
 * The one client for calls between our services. Each call: a timeout per attempt; retries with
 * exponential backoff for idempotent calls only, and only on failures a retry can cure (connection
 * refused/reset, 502/503/504: not our own timeout, since an upstream too slow to answer is not helped by
 * more load); a circuit breaker shared by every call to the upstream, so a dead upstream costs nothing
 * while it recovers; an optional bulkhead; the answer checked against its TypeBox schema (compiled once);
 * the request id and trace context forwarded. Built on cockatiel and undici's connection pools (kept alive
 * between calls; a list of base URLs is balanced over, as `npm start` lists booking's replicas). Not the global
 * fetch: measured on 2026-12-02, a call through fetch cost about 150 us of CPU against about 40 us through
 * undici's pool.request, on every service-to-service call of the hot path.
 */
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  noop,
  retry,
  timeout,
  wrap,
  type IPolicy,
} from 'cockatiel';
import { BalancedPool, Pool, type Dispatcher } from 'undici';
import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { contextHeaders, currentRequestContext, type RequestContext } from './context.js';
import { UpstreamContractError, UpstreamRejectedError, UpstreamUnavailableError } from './errors.js';

export interface RetryOptions {
  /** Retries after the first attempt. */
  maxRetries?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface BreakerOptions {
  /** Open after this many failed calls in a row. */
  consecutiveFailures?: number;
  /** Stay open this long, then let one trial call through (half-open). */
  halfOpenAfterMs?: number;
}

export interface ServiceClientOptions {
  /** The upstream's name (`booking`, `train`): in messages, and the default error codes `BOOKING_SERVICE_*`. */
  service: string;
  /** The upstream's base URL, or several separated by commas (replicas, balanced over; a failed one is tried less). */
  baseUrl: string;
  /** Connections kept per upstream (default 32). */
  connections?: number;
  /** Per attempt, including reading the body. */
  timeoutMs: number;
  /** Default: 2 retries from 50 ms up to 500 ms. `false`: never retry. */
  retry?: RetryOptions | false;
  /** Default: opens after 5 failures in a row, half-opens after 5 s. `false`: no breaker. */
  breaker?: BreakerOptions | false;
  /** At most this many calls in flight (and `queue` waiting); more are refused at once as busy. */
  bulkhead?: { maxConcurrent: number; queue?: number };
  /** Retry-After (seconds) on a 503 this client raises; an open breaker says when it will half-open. Default 2. */
  retryAfterSeconds?: number;
  /** Error codes; defaults `<SERVICE>_SERVICE_UNAVAILABLE`, `<SERVICE>_SERVICE_INVALID`, `<SERVICE>_SERVICE_REJECTED`. */
  codes?: { unavailable?: string; invalid?: string; rejected?: string };
}

export interface CallOptions {
  /** Request id and trace context to forward; default: the current request's (see runWithRequestContext). */
  context?: RequestContext;
  headers?: Record<string, string>;
  /** A POST/PATCH that is safe to repeat (a read, or one carrying an idempotency key) may be retried. */
  idempotent?: boolean;
}

export type CircuitStatus = 'closed' | 'open' | 'half-open';

export interface ServiceClient {
  /** The answer, checked against `schema`; null on 404. */
  get<S extends TSchema>(path: string, schema: S, options?: CallOptions): Promise<Static<S> | null>;
  /** The answer, checked against `schema`; a 404 is a refusal like any other 4xx. */
  post<S extends TSchema>(path: string, body: unknown, schema: S, options?: CallOptions): Promise<Static<S>>;
  /** The breaker's state; `half-open` once the next call would be let through as the trial. */
  readonly circuit: CircuitStatus;
  /** Closes the kept-alive connections (at shutdown; a closed client refuses further calls). */
  close(): Promise<void>;
}

type Method = 'GET' | 'POST';

/** An attempt's outcome that is the caller's business, not a failure of the upstream. */
type Answer = { kind: 'ok'; body: unknown } | { kind: 'not-found' } | { kind: 'rejected'; status: number; code?: string };

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const checks = new WeakMap<TSchema, TypeCheck<TSchema>>();

function compiled<S extends TSchema>(schema: S): TypeCheck<S> {
  let check = checks.get(schema);
  if (!check) checks.set(schema, (check = TypeCompiler.Compile(schema)));
  return check as TypeCheck<S>;
}

type UndiciResponse = Dispatcher.ResponseData;

async function discard(response: UndiciResponse): Promise<void> {
  await response.body.dump().catch(() => undefined);
}

/** One pool for one upstream, a balanced pool over several. */
function dispatcherFor(baseUrls: string[], connections: number): Pool | BalancedPool {
  const origins = baseUrls.map((u) => new URL(u).origin);
  return origins.length === 1 ? new Pool(origins[0]!, { connections }) : new BalancedPool(origins, { connections });
}

export function createServiceClient(options: ServiceClientOptions): ServiceClient {
  const { service } = options;
  const baseUrls = options.baseUrl
    .split(',')
    .map((u) => u.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  if (baseUrls.length === 0) throw new Error(`service client for ${options.service}: no base URL`);
  // Every base URL has the same path (none, or the same prefix): the origins differ only in host and port.
  const basePath = new URL(baseUrls[0]!).pathname.replace(/\/+$/, '');
  const dispatcher = dispatcherFor(baseUrls, options.connections ?? 32);
  const prefix = service.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  const codes = {
    unavailable: options.codes?.unavailable ?? `${prefix}_SERVICE_UNAVAILABLE`,
    invalid: options.codes?.invalid ?? `${prefix}_SERVICE_INVALID`,
    rejected: options.codes?.rejected ?? `${prefix}_SERVICE_REJECTED`,
  };
  const retryAfter = options.retryAfterSeconds ?? 2;

  const unavailable = (
    reason: UpstreamUnavailableError['reason'],
    extra: { upstreamStatus?: number; cause?: unknown; retryAfter?: number } = {},
  ) => new UpstreamUnavailableError(service, reason, { code: codes.unavailable, retryAfter, ...extra });

  const isUpstreamFailure = (err: unknown) => err instanceof UpstreamUnavailableError || err instanceof TaskCancelledError;

  const breakerOptions =
    options.breaker === false ? undefined : { consecutiveFailures: 5, halfOpenAfterMs: 5_000, ...options.breaker };
  const breaker = breakerOptions
    ? circuitBreaker(handleWhen(isUpstreamFailure), {
        halfOpenAfter: breakerOptions.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(breakerOptions.consecutiveFailures),
      })
    : undefined;
  let openedAt = 0;
  breaker?.onBreak(() => {
    openedAt = Date.now();
  });

  const retryOptions =
    options.retry === false ? undefined : { maxRetries: 2, initialDelayMs: 50, maxDelayMs: 500, ...options.retry };
  const retryPolicy = retryOptions
    ? retry(
        handleWhen(
          (err) =>
            err instanceof UpstreamUnavailableError &&
            (err.reason === 'unreachable' || (err.reason === 'status' && RETRYABLE_STATUS.has(err.upstreamStatus ?? 0))),
        ),
        {
          maxAttempts: retryOptions.maxRetries,
          backoff: new ExponentialBackoff({ initialDelay: retryOptions.initialDelayMs, maxDelay: retryOptions.maxDelayMs }),
        },
      )
    : undefined;

  const perAttempt = wrap(breaker ?? noop, timeout(options.timeoutMs, TimeoutStrategy.Aggressive));
  const limiter: IPolicy = options.bulkhead ? bulkhead(options.bulkhead.maxConcurrent, options.bulkhead.queue ?? 0) : noop;

  async function attempt(
    method: Method,
    path: string,
    headers: Record<string, string>,
    payload: string | undefined,
    check: TypeCheck<TSchema>,
    signal: AbortSignal,
  ): Promise<Answer> {
    let response: UndiciResponse;
    try {
      response = await dispatcher.request({ path, method, headers, body: payload ?? null, signal });
    } catch (cause) {
      throw unavailable(signal.aborted ? 'timeout' : 'unreachable', { cause });
    }
    const status = response.statusCode;
    if (status >= 500) {
      await discard(response);
      throw unavailable('status', { upstreamStatus: status });
    }
    if (status === 404 && method === 'GET') {
      await discard(response);
      return { kind: 'not-found' };
    }
    if (status >= 400) {
      const problem: unknown = await response.body.json().catch(() => undefined);
      const code = typeof problem === 'object' && problem !== null && 'code' in problem ? problem.code : undefined;
      return typeof code === 'string' ? { kind: 'rejected', status, code } : { kind: 'rejected', status };
    }
    let body: unknown;
    try {
      body = await response.body.json();
    } catch (cause) {
      if (signal.aborted) throw unavailable('timeout', { cause });
      throw new UpstreamContractError(service, {
        code: codes.invalid,
        retryAfter,
        detail: 'the answer is not JSON',
        upstreamStatus: status,
        cause,
      });
    }
    if (!check.Check(body)) {
      const first = check.Errors(body).First();
      const detail = first ? `${first.path || '/'}: ${first.message}` : 'the answer does not match its schema';
      throw new UpstreamContractError(service, { code: codes.invalid, retryAfter, detail, upstreamStatus: status });
    }
    return { kind: 'ok', body };
  }

  async function call(
    method: Method,
    path: string,
    body: unknown,
    schema: TSchema,
    callOptions: CallOptions = {},
  ): Promise<Answer> {
    const fullPath = basePath + (path.startsWith('/') ? path : `/${path}`);
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...contextHeaders(callOptions.context ?? currentRequestContext()),
      ...callOptions.headers,
    };
    let payload: string | undefined;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const check = compiled(schema);
    // Each call gets its own parent signal: cockatiel hangs each attempt's timeout on the signal it is given, and
    // without one it uses a single shared signal that collects a listener per call in flight (Node then warns
    // MaxListenersExceededWarning under load).
    const callSignal = new AbortController().signal;
    const once = (parent: AbortSignal = callSignal) =>
      perAttempt.execute(({ signal }) => attempt(method, fullPath, headers, payload, check, signal), parent);
    const idempotent = callOptions.idempotent ?? method === 'GET';
    try {
      return await limiter.execute(
        () => (retryPolicy && idempotent ? retryPolicy.execute(({ signal }) => once(signal), callSignal) : once()),
        callSignal,
      );
    } catch (err) {
      if (err instanceof UpstreamUnavailableError) throw err;
      if (err instanceof TaskCancelledError) throw unavailable('timeout', { cause: err });
      if (err instanceof BrokenCircuitError) {
        const opensIn = openedAt + (breakerOptions?.halfOpenAfterMs ?? 0) - Date.now();
        throw unavailable('circuit-open', { cause: err, retryAfter: Math.max(1, Math.ceil(opensIn / 1000)) });
      }
      if (err instanceof BulkheadRejectedError) throw unavailable('busy', { cause: err });
      throw err;
    }
  }

  const rejected = (answer: Extract<Answer, { kind: 'rejected' }>) =>
    new UpstreamRejectedError(service, {
      code: codes.rejected,
      upstreamStatus: answer.status,
      ...(answer.code === undefined ? {} : { upstreamCode: answer.code }),
    });

  return {
    async get(path, schema, callOptions) {
      const answer = await call('GET', path, undefined, schema, callOptions);
      if (answer.kind === 'not-found') return null;
      if (answer.kind === 'rejected') throw rejected(answer);
      return answer.body as Static<typeof schema>;
    },
    async post(path, body, schema, callOptions) {
      const answer = await call('POST', path, body, schema, callOptions);
      if (answer.kind === 'ok') return answer.body as Static<typeof schema>;
      throw rejected(answer.kind === 'rejected' ? answer : { kind: 'rejected', status: 404 });
    },
    close: () => dispatcher.close(),
    get circuit(): CircuitStatus {
      if (!breaker || breaker.state === CircuitState.Closed) return 'closed';
      if (breaker.state === CircuitState.HalfOpen) return 'half-open';
      // cockatiel moves to half-open lazily, on the next call; report when that call would be the trial.
      const dueForTrial = breaker.state === CircuitState.Open && Date.now() >= openedAt + (breakerOptions?.halfOpenAfterMs ?? 0);
      return dueForTrial ? 'half-open' : 'open';
    },
  };
}
