/**
 * Writing events: `enqueueEvent` validates the data against its contract and inserts the envelope into the
 * outbox inside the caller's transaction, so an event exists exactly when the state change committed.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Value } from '@sinclair/typebox/value';
import { EventData, type EventDataOf, type EventEnvelope, type EventType } from '@rail/contracts/events';
import type { Queryable } from '@rail/db';

/** The messaging tables' migrations; services migrate with `[ownDir, outboxMigrationsDir]`. */
export const outboxMigrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/** Carried in AMQP headers: the request that caused the event and its W3C trace context. */
export interface EventHeaders {
  requestId?: string;
  traceparent?: string;
  tracestate?: string;
}

export class EventContractError extends Error {
  constructor(type: string, problems: string[]) {
    super(`Event ${type} does not match its contract: ${problems.join('; ')}`);
    this.name = 'EventContractError';
  }
}

/** Throws EventContractError unless `data` matches the contract of `type`. */
export function assertEventData<T extends EventType>(type: T, data: unknown): asserts data is EventDataOf<T> {
  const schema = EventData[type];
  if (!schema) throw new EventContractError(type, ['unknown event type']);
  if (!Value.Check(schema, data)) {
    const problems = [...Value.Errors(schema, data)].slice(0, 5).map((e) => `${e.path || '/'} ${e.message}`);
    throw new EventContractError(type, problems);
  }
}

export function buildEnvelope<T extends EventType>(type: T, data: EventDataOf<T>, version = 1): EventEnvelope<T> {
  assertEventData(type, data);
  return { id: randomUUID(), type, version, occurredAt: new Date().toISOString(), data };
}

/** Inserts an event into the outbox using the caller's transaction client. Returns the envelope. */
export async function enqueueEvent<T extends EventType>(
  db: Queryable,
  type: T,
  data: EventDataOf<T>,
  headers: EventHeaders = {},
): Promise<EventEnvelope<T>> {
  const envelope = buildEnvelope(type, data);
  await db.query('INSERT INTO outbox (id, type, envelope, headers, occurred_at) VALUES ($1, $2, $3, $4, $5)', [
    envelope.id,
    envelope.type,
    JSON.stringify(envelope),
    JSON.stringify(headers),
    envelope.occurredAt,
  ]);
  return envelope;
}
