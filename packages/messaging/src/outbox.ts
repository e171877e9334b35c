/**
 * Writing events: `enqueueEvent` validates the data against its contract and inserts the envelope into the
 * outbox inside the caller's transaction, so an event exists exactly when the state change committed.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
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

/** Each contract compiled once: every state change on the hot path checks its event. */
const checks = new Map<string, TypeCheck<TSchema>>();

/** Throws EventContractError unless `data` matches the contract of `type`. */
export function assertEventData<T extends EventType>(type: T, data: unknown): asserts data is EventDataOf<T> {
  let check = checks.get(type);
  if (!check) {
    const schema = EventData[type] as TSchema | undefined;
    if (!schema) throw new EventContractError(type, ['unknown event type']);
    checks.set(type, (check = TypeCompiler.Compile(schema)));
  }
  if (!check.Check(data)) {
    const problems = [...check.Errors(data)].slice(0, 5).map((e) => `${e.path || '/'} ${e.message}`);
    throw new EventContractError(type, problems);
  }
}

export function buildEnvelope<T extends EventType>(type: T, data: EventDataOf<T>, version = 1): EventEnvelope<T> {
  assertEventData(type, data);
  return { id: randomUUID(), type, version, occurredAt: new Date().toISOString(), data };
}

/** An outbox insert as SQL and parameters, numbered from `$firstParam`, to run alone or inside a larger statement. */
export interface OutboxInsert<T extends EventType> {
  envelope: EventEnvelope<T>;
  /** `INSERT INTO outbox (...) VALUES ($n, ...)`: usable as a data-modifying CTE of the caller's statement. */
  sql: string;
  params: unknown[];
}

/**
 * The outbox row of an event, for a caller that writes its state change and the event in ONE statement
 * (`WITH change AS (...), event AS (<sql>) ...`): atomic without BEGIN/COMMIT, one round trip instead of four.
 */
export function outboxInsert<T extends EventType>(
  type: T,
  data: EventDataOf<T>,
  headers: EventHeaders = {},
  firstParam = 1,
): OutboxInsert<T> {
  const envelope = buildEnvelope(type, data);
  const n = (i: number) => `$${firstParam + i}`;
  return {
    envelope,
    sql: `INSERT INTO outbox (id, type, envelope, headers, occurred_at) VALUES (${n(0)}, ${n(1)}, ${n(2)}, ${n(3)}, ${n(4)})`,
    params: [envelope.id, envelope.type, JSON.stringify(envelope), JSON.stringify(headers), envelope.occurredAt],
  };
}

/** Inserts an event into the outbox using the caller's transaction client. Returns the envelope. */
export async function enqueueEvent<T extends EventType>(
  db: Queryable,
  type: T,
  data: EventDataOf<T>,
  headers: EventHeaders = {},
): Promise<EventEnvelope<T>> {
  const insert = outboxInsert(type, data, headers);
  await db.query(insert.sql, insert.params);
  return insert.envelope;
}
