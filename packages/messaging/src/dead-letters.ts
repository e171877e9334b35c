/**
 * Dead letters: a consumer queue's `<queue>.dlq` keeps the messages its handler gave up on (or whose envelope
 * broke its contract). `replayDeadLetters` moves them back to that one consumer queue (never through the topic
 * exchange, so other consumers of the event do not see it again), oldest first, each with publisher confirms
 * before its dead letter is acked, and with a fresh attempt count; `dryRun` only lists them and leaves them.
 * Consumers deduplicate by event id, so a replayed event that did take effect earlier is absorbed.
 */
import amqplib from 'amqplib';
import { deadLetterQueueName } from './broker.js';
import { HEADER_ATTEMPT } from './headers.js';

const QUEUE_NAME = /^[A-Za-z0-9._:-]{1,200}$/;
/** Headers the broker and the consumer add on the way to the DLQ; a replay starts clean. */
const DEAD_LETTER_HEADERS = /^x-(death|first-death-|last-death-|dead-letter-reason$|last-error$|original-queue$)/;
export const HEADER_REPLAYED = 'x-replayed';

export interface ReplayDeadLettersOptions {
  /** AMQP URL of the broker. */
  url: string;
  /** The consumer queue (e.g. `payment.booking-cancelled`) or its dead-letter queue (`...dlq`). */
  queue: string;
  /** At most this many messages; default all that are there when the replay starts. */
  limit?: number;
  /** List the messages and leave them in the dead-letter queue. */
  dryRun?: boolean;
  /** How long one publish may wait for its confirm. Default 5000. */
  confirmTimeoutMs?: number;
}

export interface DeadLetter {
  messageId?: string;
  type?: string;
  /** `invalid-envelope`, `max-attempts`, or the broker's own reason (`delivery_limit`). */
  reason?: string;
  lastError?: string;
  attempt?: number;
}

export interface ReplayDeadLettersResult {
  queue: string;
  deadLetterQueue: string;
  dryRun: boolean;
  /** Messages moved back to the queue (0 on a dry run). */
  replayed: number;
  /** The messages seen, in order. */
  messages: DeadLetter[];
  /** Messages left in the dead-letter queue afterwards. */
  remaining: number;
}

function describe(message: amqplib.GetMessage): DeadLetter {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>;
  const deaths = headers['x-death'];
  const brokerReason = Array.isArray(deaths) ? (deaths[0] as { reason?: unknown } | undefined)?.reason : undefined;
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const attempt = headers[HEADER_ATTEMPT];
  return {
    messageId: text(message.properties.messageId),
    type: text(message.properties.type),
    reason: text(headers['x-dead-letter-reason']) ?? text(brokerReason),
    lastError: text(headers['x-last-error']),
    attempt: typeof attempt === 'number' ? attempt : undefined,
  };
}

function publishConfirmed(
  channel: amqplib.ConfirmChannel,
  queue: string,
  message: amqplib.GetMessage,
  headers: Record<string, unknown>,
  timeoutMs: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`publisher confirm timed out after ${timeoutMs} ms`)), timeoutMs);
    const { properties } = message;
    channel.publish(
      '',
      queue,
      message.content,
      {
        persistent: true,
        contentType: properties.contentType as string | undefined,
        messageId: properties.messageId as string | undefined,
        type: properties.type as string | undefined,
        appId: properties.appId as string | undefined,
        timestamp: properties.timestamp as number | undefined,
        headers,
      },
      (err: unknown) => {
        clearTimeout(timer);
        if (err) reject(err instanceof Error ? err : new Error('replayed message nacked by the broker'));
        else resolve();
      },
    );
  });
}

export async function replayDeadLetters(options: ReplayDeadLettersOptions): Promise<ReplayDeadLettersResult> {
  const queue = options.queue.endsWith('.dlq') ? options.queue.slice(0, -'.dlq'.length) : options.queue;
  if (!QUEUE_NAME.test(queue)) throw new Error(`invalid queue name "${options.queue}"`);
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) {
    throw new Error('limit must be a positive integer');
  }
  const dlq = deadLetterQueueName(queue);
  const dryRun = options.dryRun ?? false;
  const connection = await amqplib.connect(options.url, { clientProperties: { connection_name: 'dlq-replay' } });
  connection.on('error', () => undefined); // the pending call fails too; the event alone must not end the process
  try {
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    // Both must exist: a typo must not create a queue nobody consumes (checkQueue throws 404 NOT_FOUND).
    await channel.checkQueue(queue).catch((err: unknown) => {
      throw new Error(`no queue "${queue}" on the broker`, { cause: err });
    });
    const check = await connection.createChannel();
    check.on('error', () => undefined);
    const { messageCount } = await check.checkQueue(dlq).catch((err: unknown) => {
      throw new Error(`no dead-letter queue "${dlq}" on the broker`, { cause: err });
    });
    const max = Math.min(options.limit ?? messageCount, messageCount);
    const messages: DeadLetter[] = [];
    const held: amqplib.GetMessage[] = [];
    let replayed = 0;
    while (messages.length < max) {
      const message = await channel.get(dlq, { noAck: false });
      if (!message) break;
      messages.push(describe(message));
      if (dryRun) {
        held.push(message);
        continue;
      }
      const headers: Record<string, unknown> = {};
      const previous = (message.properties.headers ?? {}) as Record<string, unknown>;
      for (const [key, value] of Object.entries(previous)) if (!DEAD_LETTER_HEADERS.test(key)) headers[key] = value;
      headers[HEADER_ATTEMPT] = 1;
      headers[HEADER_REPLAYED] = (typeof previous[HEADER_REPLAYED] === 'number' ? previous[HEADER_REPLAYED] : 0) + 1;
      try {
        await publishConfirmed(channel, queue, message, headers, options.confirmTimeoutMs ?? 5_000);
      } catch (err) {
        channel.nack(message, false, true);
        throw new Error(`replay stopped after ${replayed} messages: ${(err as Error).message}`, { cause: err });
      }
      channel.ack(message);
      replayed += 1;
    }
    // A dry run hands every message back, in order, to the head of the dead-letter queue.
    if (held.length > 0) channel.nackAll(true);
    await channel.close();
    const remaining = (await check.checkQueue(dlq)).messageCount;
    await check.close();
    return { queue, deadLetterQueue: dlq, dryRun, replayed, messages, remaining };
  } finally {
    await connection.close().catch(() => undefined);
  }
}
