/**
 * The typed HTTP client every page uses. It turns every failure into an ApiError carrying the problem+json
 * body, waits out 429/503 answers for the server's Retry-After and tries again (telling the UI so it can
 * show a countdown), refreshes an expired access token once on 401 and replays the request, and sends an
 * Idempotency-Key with every POST so that a retried POST can never act twice.
 */
import { ApiError, parseRetryAfter } from './errors.js';
import { sessionFromTokens, type SessionStore } from './session.js';
import type { Problem, TokenResponse } from './types.js';

export interface BusyState {
  status: number;
  /** Epoch ms (client clock) when the next automatic attempt happens. */
  retryAt: number;
  attempt: number;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Attach the access token (default true when signed in). */
  auth?: boolean;
  /** Reuse one key across a user's retries of the same action; POSTs get a fresh one otherwise. */
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** Wait out 429/503 and try again (default true). */
  retryBusy?: boolean;
  /** Extra request headers (e.g. X-Queue-Pass). */
  headers?: Record<string, string>;
}

/** A body with what the answer said about itself: its headers, and when it arrived (client clock). */
export interface WithMeta<T> {
  data: T;
  headers: Headers;
  receivedAt: number;
}

export interface ApiClientOptions {
  session: SessionStore;
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Automatic attempts after a 429/503 before giving up and showing the error (default 5). */
  maxBusyRetries?: number;
  /** Upper bound for one wait, whatever Retry-After says (default 60 s). */
  maxWaitSeconds?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter added to each wait so a crowd told "retry in 3 s" does not return in the same millisecond. */
  jitterMs?: () => number;
  onSessionExpired?: () => void;
  /**
   * A 403 QUEUE_REQUIRED: the sale's waiting room stands in front of this request. The app sends the
   * traveller to that date's room; the request still fails with the ApiError.
   */
  onQueueRequired?: (problem: Problem) => void;
}

export function newIdempotencyKey(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason instanceof Error ? signal.reason : new DOMException('Aborted', 'AbortError'));
      },
      { once: true },
    );
  });

export class ApiClient {
  private readonly opts: Required<Omit<ApiClientOptions, 'onSessionExpired' | 'onQueueRequired'>> &
    Pick<ApiClientOptions, 'onSessionExpired' | 'onQueueRequired'>;
  private refreshing: Promise<boolean> | null = null;
  private clockOffsetMs = 0;
  private readonly busy = new Map<number, BusyState>();
  private readonly busyListeners = new Set<(s: BusyState | null) => void>();
  private nextBusyId = 1;

  constructor(options: ApiClientOptions) {
    this.opts = {
      baseUrl: '',
      fetch: (...args) => globalThis.fetch(...args),
      maxBusyRetries: 5,
      maxWaitSeconds: 60,
      sleep: defaultSleep,
      jitterMs: () => Math.floor(Math.random() * 400),
      ...options,
    };
  }

  get session(): SessionStore {
    return this.opts.session;
  }

  /** Server time estimated from the Date header of the last answer (phones' clocks are often off). */
  serverNow(): number {
    return Date.now() + this.clockOffsetMs;
  }

  /** The soonest pending automatic retry, or null when nothing is waiting. */
  onBusyChange(listener: (s: BusyState | null) => void): () => void {
    this.busyListeners.add(listener);
    return () => this.busyListeners.delete(listener);
  }

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }
  post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }
  delete<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    return (await this.requestWithMeta<T>(method, path, options)).data;
  }

  /** The same as request(), with the answer's headers and arrival time (e.g. to tell how old a seat map is). */
  async requestWithMeta<T>(method: string, path: string, options: RequestOptions = {}): Promise<WithMeta<T>> {
    const key = method === 'POST' ? (options.idempotencyKey ?? newIdempotencyKey()) : options.idempotencyKey;
    const busyId = this.nextBusyId++;
    let refreshed = false;
    try {
      for (let attempt = 0; ; attempt++) {
        const res = await this.send(method, path, options, key);
        if (res.ok) return { data: (await readBody(res)) as T, headers: res.headers, receivedAt: Date.now() };

        if (res.status === 401 && options.auth !== false && !refreshed && this.opts.session.get()) {
          refreshed = true;
          if (await this.refresh()) {
            attempt--;
            continue;
          }
          this.opts.session.set(null);
          this.opts.onSessionExpired?.();
        }

        const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
        const error = new ApiError(await readProblem(res), retryAfter);
        if (error.needsQueue) this.opts.onQueueRequired?.(error.problem);
        const busy = res.status === 429 || res.status === 503;
        if (!busy || options.retryBusy === false || attempt >= this.opts.maxBusyRetries) throw error;

        const seconds = Math.min(retryAfter ?? Math.min(2 ** attempt, 8), this.opts.maxWaitSeconds);
        const waitMs = seconds * 1000 + this.opts.jitterMs();
        this.setBusy(busyId, { status: res.status, retryAt: Date.now() + waitMs, attempt: attempt + 1 });
        await this.opts.sleep(waitMs, options.signal);
        this.setBusy(busyId, null);
      }
    } finally {
      this.setBusy(busyId, null);
    }
  }

  /** Exchange the refresh token for new tokens, once at a time however many requests got a 401. */
  refresh(): Promise<boolean> {
    this.refreshing ??= (async () => {
      const current = this.opts.session.get();
      if (!current?.refreshToken) return false;
      try {
        const res = await this.send(
          'POST',
          '/api/auth/refresh',
          { auth: false, body: { refreshToken: current.refreshToken } },
          undefined,
        );
        if (!res.ok) return false;
        const tokens = (await res.json()) as TokenResponse;
        this.opts.session.set(sessionFromTokens(tokens, current.user));
        return true;
      } catch {
        return false;
      }
    })().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions,
    idempotencyKey: string | undefined,
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const session = this.opts.session.get();
    if (options.auth !== false && session) headers.authorization = `Bearer ${session.token}`;
    let res: Response;
    try {
      res = await this.opts.fetch(this.opts.baseUrl + path + queryString(options.query), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (err) {
      if (options.signal?.aborted) throw err;
      throw new ApiError({ type: 'about:blank', title: 'Network error', status: 0, code: 'NETWORK' });
    }
    const date = res.headers.get('date');
    const serverMs = date ? Date.parse(date) : NaN;
    if (!Number.isNaN(serverMs)) this.clockOffsetMs = serverMs - Date.now();
    return res;
  }

  private setBusy(id: number, state: BusyState | null): void {
    const had = this.busy.has(id);
    if (state) this.busy.set(id, state);
    else if (had) this.busy.delete(id);
    else return;
    let soonest: BusyState | null = null;
    for (const s of this.busy.values()) if (!soonest || s.retryAt < soonest.retryAt) soonest = s;
    for (const l of this.busyListeners) l(soonest);
  }
}

function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  const text = await res.text();
  if (!text) return undefined;
  return JSON.parse(text) as unknown;
}

async function readProblem(res: Response): Promise<Problem> {
  const fallback: Problem = { type: 'about:blank', title: res.statusText || `HTTP ${res.status}`, status: res.status };
  try {
    const body = (await res.json()) as Partial<Problem>;
    if (body && typeof body === 'object') return { ...fallback, ...body, status: res.status };
  } catch {
    // Not JSON (a proxy's HTML page): the status says enough.
  }
  return fallback;
}
