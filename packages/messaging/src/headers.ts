/** Request id and W3C trace context travel in AMQP message headers, so logs and traces join up across services. */
import type { EventHeaders } from './outbox.js';

export const HEADER_REQUEST_ID = 'x-request-id';
export const HEADER_TRACEPARENT = 'traceparent';
export const HEADER_TRACESTATE = 'tracestate';
/** 1 on first delivery; incremented by each retry this library schedules. */
export const HEADER_ATTEMPT = 'x-attempt';

const TRACEPARENT = /^[\da-f]{2}-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function toAmqpHeaders(headers: EventHeaders = {}): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers.requestId && REQUEST_ID.test(headers.requestId)) out[HEADER_REQUEST_ID] = headers.requestId;
  if (headers.traceparent && TRACEPARENT.test(headers.traceparent)) out[HEADER_TRACEPARENT] = headers.traceparent;
  if (headers.tracestate) out[HEADER_TRACESTATE] = headers.tracestate.slice(0, 512);
  return out;
}

export function fromAmqpHeaders(raw: Record<string, unknown> | undefined): EventHeaders {
  const headers: EventHeaders = {};
  const requestId = raw?.[HEADER_REQUEST_ID];
  const traceparent = raw?.[HEADER_TRACEPARENT];
  const tracestate = raw?.[HEADER_TRACESTATE];
  if (typeof requestId === 'string') headers.requestId = requestId;
  if (typeof traceparent === 'string') headers.traceparent = traceparent;
  if (typeof tracestate === 'string') headers.tracestate = tracestate;
  return headers;
}

export function attemptOf(raw: Record<string, unknown> | undefined): number {
  const value = Number(raw?.[HEADER_ATTEMPT]);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}
