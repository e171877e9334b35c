/**
 * Load shedding: when the process is saturated, new work is refused at once with 429 SERVICE_BUSY and a
 * Retry-After, instead of being queued behind everything else until it times out (a slow 5xx for the traveller
 * and wasted work for us). Saturation is read from the event loop with @fastify/under-pressure: the mean
 * event-loop delay over the last sample. On a node process that shares its cores with others this is the one
 * number that says "every request admitted now waits this long before its first line runs".
 *
 * Not all work is equal. A route says what shedding it accepts through its `config.overload`:
 * - 'new' (default): work a traveller starts (search, seat map, a seat select): shed first, at the threshold.
 * - 'finish': work that completes what was already started and holds resources (confirm, OTP, payment):
 *   shed only at `finishFactor` times the threshold, so an overloaded sale still finishes the purchases it began.
 * - 'never': health, metrics and service-to-service calls (`/internal/*`): another service's request on behalf
 *   of a traveller further along, and the load balancer's view of the instance, must not be refused for load.
 *
 * 429, not 503: the request was well-formed and the instance is healthy; it is the rate of requests that is too
 * high for now. A 503 here would make the gateway count a healthy replica as failing, and it is a server error
 * to every client's statistics. Retry-After grows with the measured delay and carries jitter so that refused
 * clients do not all come back in the same second.
 */
import underPressure from '@fastify/under-pressure';
import { AppError } from '@rail/errors';
import type { FastifyInstance, FastifyRequest } from 'fastify';

export type OverloadClass = 'new' | 'finish' | 'never';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How this route is shed when the process is overloaded; see packages/http/src/overload.ts. */
    overload?: OverloadClass;
  }
}

export interface OverloadOptions {
  /** Mean event-loop delay (ms) over one sample above which new work is refused; 0 turns shedding off. */
  maxEventLoopDelayMs: number;
  /** Finishing work is refused only above this multiple of the threshold (default 2). */
  finishFactor?: number;
  /** How often the delay is sampled (ms, default 250). */
  sampleIntervalMs?: number;
  /** Longest Retry-After (s) ever sent (default 10). */
  maxRetryAfterSeconds?: number;
  /** Called for each refused request (metrics). */
  onShed?: (request: FastifyRequest, overloadClass: OverloadClass) => void;
}

const NEVER_SHED = /^\/(internal|health)(\/|$)|^\/metrics$/;

/** The route's class: its own config, else 'never' for health, metrics and internal routes, else 'new'. */
export function overloadClassOf(request: FastifyRequest): OverloadClass {
  const configured = request.routeOptions.config.overload;
  if (configured) return configured;
  const url = request.routeOptions.url ?? request.url;
  return NEVER_SHED.test(url) ? 'never' : 'new';
}

/**
 * Seconds a refused client should wait: one second per threshold's worth of measured delay (a loop twice as late
 * as allowed needs about twice as long to drain), at least 1, plus 0-1 s of jitter, capped.
 */
export function retryAfterSeconds(delayMs: number, thresholdMs: number, maxSeconds: number, random = Math.random): number {
  const base = Math.max(1, Math.ceil(delayMs / thresholdMs));
  return Math.min(maxSeconds, base + Math.round(random()));
}

/** Whether a request of this class is refused at this measured delay. */
export function shouldShed(overloadClass: OverloadClass, delayMs: number, thresholdMs: number, finishFactor = 2): boolean {
  if (overloadClass === 'never' || thresholdMs <= 0) return false;
  return delayMs > (overloadClass === 'finish' ? thresholdMs * finishFactor : thresholdMs);
}

export async function registerOverloadShedding(app: FastifyInstance, options: OverloadOptions): Promise<void> {
  const threshold = options.maxEventLoopDelayMs;
  if (threshold <= 0) return;
  const finishFactor = options.finishFactor ?? 2;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 10;
  await app.register(underPressure, {
    maxEventLoopDelay: threshold,
    sampleInterval: options.sampleIntervalMs ?? 250,
    // Returning nothing lets the request through; throwing refuses it through the app's error handler.
    pressureHandler: async (request, _reply, type, value) => {
      if (type !== underPressure.TYPE_EVENT_LOOP_DELAY || value === undefined) return;
      // No sample at all in the last interval (the loop was blocked throughout) reads as Infinity: certainly
      // overloaded for new work, but not evidence enough to refuse finishing work.
      const delay = Number.isFinite(value) ? value : threshold * finishFactor;
      const overloadClass = overloadClassOf(request);
      if (!shouldShed(overloadClass, delay, threshold, finishFactor)) return;
      options.onShed?.(request, overloadClass);
      throw new AppError(429, 'SERVICE_BUSY', 'Too many requests are being served right now; try again shortly', {
        retryAfter: retryAfterSeconds(delay, threshold, maxRetryAfter),
      });
    },
  });
}
