/**
 * Reading events off the wire: parse a message body and check it against the envelope schema and the
 * data contract of its type. Anything that fails here is poison: retrying cannot fix it.
 */
import { Value } from '@sinclair/typebox/value';
import { EventData, EventEnvelopeBase, type EventEnvelope, type EventType } from '@rail/contracts/events';
import { assertEventData, EventContractError } from './outbox.js';

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(EventData, type);
}

/** Throws EventContractError unless `value` is a well-formed envelope whose data matches its type's contract. */
export function assertEnvelope(value: unknown): asserts value is EventEnvelope {
  if (!Value.Check(EventEnvelopeBase, value)) {
    const problems = [...Value.Errors(EventEnvelopeBase, value)].slice(0, 5).map((e) => `${e.path || '/'} ${e.message}`);
    const type = typeof (value as { type?: unknown } | null)?.type === 'string' ? (value as { type: string }).type : 'envelope';
    throw new EventContractError(type, problems);
  }
  if (!isEventType(value.type)) throw new EventContractError(value.type, ['unknown event type']);
  assertEventData(value.type, value.data);
}

/** Parses a message body into a validated envelope, or throws EventContractError. */
export function parseEnvelope(body: Buffer): EventEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new EventContractError('envelope', ['body is not JSON']);
  }
  assertEnvelope(value);
  return value;
}
