/**
 * The incoming request's id and W3C trace context, carried through async calls (AsyncLocalStorage) so a
 * service-to-service call forwards them without every layer passing them down. A call may also pass its
 * own context, which wins.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId?: string;
  traceparent?: string;
  tracestate?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` (and everything it starts) with this request context. */
export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentRequestContext(): RequestContext | undefined {
  return storage.getStore();
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;
const TRACESTATE = /^[\x20-\x7e]{1,512}$/;

/** The context as outgoing headers; malformed values are dropped rather than forwarded. */
export function contextHeaders(context: RequestContext | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!context) return headers;
  if (context.requestId && REQUEST_ID.test(context.requestId)) headers['x-request-id'] = context.requestId;
  if (context.traceparent && TRACEPARENT.test(context.traceparent)) {
    headers.traceparent = context.traceparent;
    if (context.tracestate && TRACESTATE.test(context.tracestate)) headers.tracestate = context.tracestate;
  }
  return headers;
}

type Headers = Record<string, string | string[] | undefined>;
const one = (value: string | string[] | undefined) => (typeof value === 'string' ? value : undefined);

/**
 * A Fastify `onRequest` hook (structurally typed, so this package needs no Fastify): the rest of the
 * request runs inside its context, so every service call it makes forwards its id and trace context.
 */
export function requestContextHook(request: { id: string; headers: Headers }, _reply: unknown, done: () => void): void {
  const context: RequestContext = { requestId: request.id };
  const traceparent = one(request.headers.traceparent);
  const tracestate = one(request.headers.tracestate);
  if (traceparent) context.traceparent = traceparent;
  if (tracestate) context.tracestate = tracestate;
  runWithRequestContext(context, done);
}
