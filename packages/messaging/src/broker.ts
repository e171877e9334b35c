/**
 * The RabbitMQ client every service uses: one durable topic exchange, publishing with publisher confirms,
 * and consumers on durable quorum queues (one per consumer) with manual acks, envelope validation,
 * deduplication by event id, retries with backoff through per-delay retry queues, and a dead-letter queue.
 * The connection is re-established after broker restarts and every channel re-runs its setup.
 *
 * Topology for a consumer queue `q`:
 *   exchange --(event types)--> q                      quorum; delivery limit as a last-resort guard
 *   q.retry.<ms>ms  TTL <ms>, dead-letters back to q   one per distinct retry delay
 *   q.dlq                                              poison and exhausted messages, kept for inspection
 */
import { randomUUID } from 'node:crypto';
import amqp, { type AmqpConnectionManager as IAmqpConnectionManager } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage, Options } from 'amqplib';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import { EVENTS_EXCHANGE, type EventEnvelope, type EventType } from '@rail/contracts/events';
import { withTransaction, type Pool, type PoolClient } from '@rail/db';
import { AppError } from '@rail/errors';
import type { Logger } from '@rail/logger';
import { ManagedChannel, publishConfirmed } from './channel.js';
import { assertEnvelope, isEventType, parseEnvelope } from './envelope.js';
import { attemptOf, fromAmqpHeaders, HEADER_ATTEMPT, toAmqpHeaders } from './headers.js';
import { messagingMetrics, type MessagingMetrics } from './metrics.js';
import { EventContractError, type EventHeaders } from './outbox.js';

/** Backoff before each retry: about 12 minutes in all, enough to ride out a short dependency outage. */
export const DEFAULT_RETRY_DELAYS_MS = [1_000, 5_000, 30_000, 120_000, 600_000];
/** Quorum-queue redeliveries (crashes, requeues) after which the broker itself dead-letters a message. */
export const DELIVERY_LIMIT = 20;

export interface BrokerOptions {
  url: string;
  /** The topic exchange; default EVENTS_EXCHANGE ('rail.events'). Tests use a random one. */
  exchange?: string;
  logger: Logger;
  /** Shown as the connection name and the messages' app id. */
  service: string;
  /** How long publish() waits for a channel and then for the confirm. Default 5000. */
  publishTimeoutMs?: number;
  heartbeatSeconds?: number;
  reconnectSeconds?: number;
  /**
   * How long consume() waits for the broker before resolving anyway (the consumer then starts when the
   * connection comes up; readiness reports it). Default 10000.
   */
  connectTimeoutMs?: number;
  /** How long close() waits for in-flight handlers. Default 10000. */
  closeTimeoutMs?: number;
  metricsRegistry?: Registry;
}

export interface ConsumeContext {
  headers: EventHeaders;
  /** The broker's flag: this delivery may have been seen before (a consumer died before acking). */
  redelivered: boolean;
  /** 1 on the first delivery; counts retries scheduled after failures. */
  attempt: number;
  queue: string;
  /** The transaction client when dedupe is `{ pool }`: write through it so effects and dedupe commit together. */
  db?: PoolClient;
  /** Set when dedupe is `{ pool }`: see TransactionalConsumeContext. */
  afterCommit?: (effect: () => Promise<void>) => void;
}

export interface TransactionalConsumeContext extends ConsumeContext {
  db: PoolClient;
  /**
   * Runs `effect` once the handler's transaction (effects + dedupe record) has committed, e.g. to update a
   * cache that must never run ahead of the database. Not run when the transaction rolls back; a failing
   * effect is logged, not retried (the event is already recorded as processed).
   */
  afterCommit: (effect: () => Promise<void>) => void;
}

export interface PoolDedupe {
  /** Records processed event ids in the `processed_events` table, in the handler's transaction. */
  pool: Pool;
}

export interface RedisDedupe {
  redis: Redis;
  /** Key prefix, e.g. the service's REDIS_KEY_PREFIX. */
  prefix: string;
  /** How long processed ids are remembered. Default 7 days. */
  ttlSeconds?: number;
  /** How long one delivery may hold the processing lock. Default 60000. */
  lockMs?: number;
}

export type Dedupe = PoolDedupe | RedisDedupe;

interface ConsumeOptionsBase<T extends EventType> {
  /** Durable quorum queue, one per consumer, e.g. 'payment.booking-cancelled'. */
  queue: string;
  /** Routing keys bound on the exchange. */
  events: T[];
  /** Deliveries before dead-lettering, including the first. Default retryDelaysMs.length + 1. */
  maxAttempts?: number;
  /** Backoff before each retry; the last value repeats. Default DEFAULT_RETRY_DELAYS_MS (1 s .. 10 min). */
  retryDelaysMs?: number[];
  /** Unacked deliveries in flight on this consumer. Default 10. */
  prefetch?: number;
}

export interface ConsumeOptions<T extends EventType> extends ConsumeOptionsBase<T> {
  handler: (event: EventEnvelope<T>, context: ConsumeContext) => Promise<void>;
  dedupe?: Dedupe;
}

export interface TransactionalConsumeOptions<T extends EventType> extends ConsumeOptionsBase<T> {
  handler: (event: EventEnvelope<T>, context: TransactionalConsumeContext) => Promise<void>;
  dedupe: PoolDedupe;
}

export interface Broker {
  /** Validates the envelope against its contract and resolves once the broker confirms it. */
  publish(envelope: EventEnvelope, headers?: EventHeaders): Promise<void>;
  /** Declares the consumer's topology and starts consuming (or will, as soon as the broker is reachable). */
  consume<T extends EventType>(options: TransactionalConsumeOptions<T>): Promise<void>;
  consume<T extends EventType>(options: ConsumeOptions<T>): Promise<void>;
  /** Stops consuming, waits for in-flight handlers (bounded), closes the connection. */
  close(): Promise<void>;
  /** For readiness checks. */
  isConnected(): boolean;
}

/** The broker cannot be reached: the shared 503 DEPENDENCY_UNAVAILABLE with Retry-After, never a 500. */
export class BrokerUnavailableError extends AppError {
  constructor(message = 'message broker unavailable') {
    super(503, 'DEPENDENCY_UNAVAILABLE', message, { retryAfter: 2 });
    this.name = 'BrokerUnavailableError';
  }
}

const QUEUE_NAME = /^[A-Za-z0-9._:-]{1,200}$/;
const STRIP_HEADERS = /^x-(death|first-death-|last-death-)/;

export function retryQueueName(queue: string, delayMs: number): string {
  return `${queue}.retry.${delayMs}ms`;
}

export function deadLetterQueueName(queue: string): string {
  return `${queue}.dlq`;
}

function errorMessage(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 1_000);
}

export function createBroker(options: BrokerOptions): Broker {
  const exchange = options.exchange ?? EVENTS_EXCHANGE;
  const publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
  const closeTimeoutMs = options.closeTimeoutMs ?? 10_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const log = options.logger.child({ component: 'messaging', exchange });
  const metrics = messagingMetrics(options.metricsRegistry);
  const manager = amqp.connect([options.url], {
    heartbeatIntervalInSeconds: options.heartbeatSeconds ?? 5,
    reconnectTimeInSeconds: options.reconnectSeconds ?? 1,
    connectionOptions: { clientProperties: { connection_name: options.service } },
  });
  let everConnected = false;
  manager.on('connect', () => {
    everConnected = true;
    log.info('connected to the message broker');
  });
  manager.on('disconnect', ({ err }) => log.warn({ err: err?.message }, 'disconnected from the message broker'));
  manager.on('connectFailed', ({ err }) => log.debug({ err: err?.message }, 'broker connection attempt failed'));

  const assertExchange = async (channel: ConfirmChannel): Promise<void> => {
    await channel.assertExchange(exchange, 'topic', { durable: true });
  };
  const publisher = new ManagedChannel(manager, `${options.service}:publisher`, assertExchange, log);
  publisher.start().catch((err: unknown) => log.error({ err }, 'publisher channel setup failed'));

  const consumers: Array<{ readonly queue: string; stop(timeoutMs: number): Promise<void> }> = [];
  let closed = false;

  // Dead-letter depth for /metrics: a passive queue.declare per consumer's DLQ on a channel of its own, at scrape time.
  const stats = options.metricsRegistry
    ? new ManagedChannel(manager, `${options.service}:stats`, async () => undefined, log)
    : undefined;
  stats?.start().catch(() => undefined);
  const readDeadLetterDepths = async (): Promise<Array<{ queue: string; messages: number }>> => {
    const channel = stats?.current;
    if (!channel) return [];
    const depths = await Promise.all(
      consumers.map(async ({ queue }) => {
        const reply = await withTimeout(channel.checkQueue(deadLetterQueueName(queue)), 1_000).catch(() => undefined);
        return reply ? [{ queue, messages: reply.messageCount }] : [];
      }),
    );
    return depths.flat();
  };
  if (stats) metrics.deadLetterSources.add(readDeadLetterDepths);

  async function publish(envelope: EventEnvelope, headers: EventHeaders = {}): Promise<void> {
    try {
      assertEnvelope(envelope);
    } catch (err) {
      metrics.published.inc({ type: String((envelope as { type?: unknown }).type), outcome: 'invalid' });
      throw err;
    }
    // Before the first connection a publish waits for it (start-up); once connected, a publish while the broker
    // is down fails at once (the outbox keeps the event and its relay retries).
    const down = closed || (everConnected && !manager.isConnected());
    const channel = down ? undefined : await publisher.waitFor(publishTimeoutMs);
    if (!channel) {
      metrics.published.inc({ type: envelope.type, outcome: 'failed' });
      throw new BrokerUnavailableError();
    }
    try {
      await publishConfirmed(
        channel,
        exchange,
        envelope.type,
        Buffer.from(JSON.stringify(envelope)),
        {
          persistent: true,
          contentType: 'application/json',
          messageId: envelope.id,
          type: envelope.type,
          appId: options.service,
          timestamp: Math.floor(Date.parse(envelope.occurredAt) / 1000),
          headers: { ...toAmqpHeaders(headers), [HEADER_ATTEMPT]: 1 },
        },
        publishTimeoutMs,
      );
      metrics.published.inc({ type: envelope.type, outcome: 'confirmed' });
    } catch (err) {
      metrics.published.inc({ type: envelope.type, outcome: 'failed' });
      throw err;
    }
  }

  async function consume<T extends EventType>(consumeOptions: ConsumeOptions<T> | TransactionalConsumeOptions<T>): Promise<void> {
    if (closed) throw new Error('broker is closed');
    const consumer = new Consumer(
      consumeOptions as ConsumeOptions<T>,
      manager,
      exchange,
      options.service,
      log,
      metrics,
      publishTimeoutMs,
    );
    try {
      await consumer.start(connectTimeoutMs);
    } catch (err) {
      await consumer.stop(0);
      throw err;
    }
    consumers.push(consumer);
  }

  return {
    publish,
    consume,
    isConnected: () => manager.isConnected() && !closed,
    async close() {
      if (closed) return;
      closed = true;
      metrics.deadLetterSources.delete(readDeadLetterDepths);
      await Promise.all(consumers.map((c) => c.stop(closeTimeoutMs)));
      await stats?.close();
      await publisher.close();
      await manager.close().catch(() => undefined);
    },
  };
}

type Outcome = 'handled' | 'duplicate' | 'busy';

/** Rejects after `ms` (the promise itself is left to settle). */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

class Consumer<T extends EventType> {
  readonly queue: string;
  private readonly events: Set<string>;
  private readonly delays: number[];
  private readonly maxAttempts: number;
  private readonly channel: ManagedChannel;
  private readonly inFlight = new Set<Promise<void>>();
  private consumerTag: string | undefined;
  private stopping = false;
  private readonly log: Logger;

  constructor(
    private readonly options: ConsumeOptions<T>,
    manager: IAmqpConnectionManager,
    private readonly exchange: string,
    service: string,
    log: Logger,
    private readonly metrics: MessagingMetrics,
    private readonly publishTimeoutMs: number,
  ) {
    if (!QUEUE_NAME.test(options.queue)) throw new Error(`invalid queue name "${options.queue}"`);
    if (options.events.length === 0) throw new Error('consume() needs at least one event type');
    for (const type of options.events) if (!isEventType(type)) throw new Error(`unknown event type "${type}"`);
    this.queue = options.queue;
    this.events = new Set(options.events);
    this.delays = options.retryDelaysMs && options.retryDelaysMs.length > 0 ? options.retryDelaysMs : DEFAULT_RETRY_DELAYS_MS;
    if (this.delays.some((d) => !Number.isInteger(d) || d < 1)) throw new Error('retryDelaysMs must be positive integers');
    this.maxAttempts = options.maxAttempts ?? this.delays.length + 1;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) throw new Error('maxAttempts must be >= 1');
    this.log = log.child({ queue: this.queue });
    this.channel = new ManagedChannel(manager, `${service}:${this.queue}`, (ch) => this.setup(ch), this.log);
  }

  /** Resolves once consuming (setup errors reject), or after `timeoutMs` if the broker stays unreachable. */
  async start(timeoutMs: number): Promise<void> {
    await this.channel.start();
    if (!this.channel.current) await this.channel.waitFor(timeoutMs);
    if (!this.channel.current && this.channel.lastError) throw this.channel.lastError;
    if (!this.channel.current) this.log.warn('broker unreachable: the consumer starts when it connects');
  }

  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    const channel = this.channel.current;
    if (channel && this.consumerTag) await channel.cancel(this.consumerTag).catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    await this.channel.close();
  }

  private async setup(ch: ConfirmChannel): Promise<void> {
    const dlq = deadLetterQueueName(this.queue);
    await ch.assertExchange(this.exchange, 'topic', { durable: true });
    await ch.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    for (const delay of new Set(this.delays)) {
      await ch.assertQueue(retryQueueName(this.queue, delay), {
        durable: true,
        arguments: {
          'x-queue-type': 'quorum',
          'x-message-ttl': delay,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': this.queue,
          // Quorum queues can dead-letter with confirms: no retry is lost between the two queues.
          'x-dead-letter-strategy': 'at-least-once',
          'x-overflow': 'reject-publish',
        },
      });
    }
    await ch.assertQueue(this.queue, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': DELIVERY_LIMIT,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': dlq,
      },
    });
    for (const type of this.events) await ch.bindQueue(this.queue, this.exchange, type);
    await ch.prefetch(this.options.prefetch ?? 10);
    if (this.stopping) return;
    const { consumerTag } = await ch.consume(
      this.queue,
      (msg) => {
        if (!msg) {
          this.log.warn('consumer cancelled by the broker; reopening');
          ch.close().catch(() => undefined);
          return;
        }
        const work = this.deliver(ch, msg).catch((err: unknown) => this.log.error({ err }, 'delivery handling failed'));
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      },
      { noAck: false },
    );
    this.consumerTag = consumerTag;
  }

  private async deliver(ch: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
    const rawHeaders = msg.properties.headers as Record<string, unknown> | undefined;
    const attempt = attemptOf(rawHeaders);
    let envelope: EventEnvelope<T>;
    try {
      const parsed = parseEnvelope(msg.content);
      if (!this.events.has(parsed.type)) throw new EventContractError(parsed.type, ['not an event this queue consumes']);
      envelope = parsed as EventEnvelope<T>;
    } catch (err) {
      this.log.error({ err: errorMessage(err), messageId: msg.properties.messageId }, 'invalid event: dead-lettered');
      await this.forward(ch, msg, deadLetterQueueName(this.queue), {
        'x-dead-letter-reason': 'invalid-envelope',
        'x-last-error': errorMessage(err),
      });
      this.metrics.consumed.inc({ queue: this.queue, type: String(msg.fields.routingKey), outcome: 'dead_lettered' });
      return;
    }

    const context: ConsumeContext = {
      headers: fromAmqpHeaders(rawHeaders),
      redelivered: msg.fields.redelivered,
      attempt,
      queue: this.queue,
    };
    const eventLog = this.log.child({ eventId: envelope.id, type: envelope.type, attempt, requestId: context.headers.requestId });
    let outcome: Outcome;
    try {
      outcome = await this.run(envelope, context);
    } catch (err) {
      if (attempt >= this.maxAttempts) {
        eventLog.error({ err }, 'handler failed on the last attempt: dead-lettered');
        await this.forward(ch, msg, deadLetterQueueName(this.queue), {
          'x-dead-letter-reason': 'max-attempts',
          'x-last-error': errorMessage(err),
          [HEADER_ATTEMPT]: attempt,
        });
        this.metrics.consumed.inc({ queue: this.queue, type: envelope.type, outcome: 'dead_lettered' });
      } else {
        const delay = this.delayAfter(attempt);
        eventLog.warn({ err, retryInMs: delay }, 'handler failed: retrying later');
        await this.forward(ch, msg, retryQueueName(this.queue, delay), { [HEADER_ATTEMPT]: attempt + 1 });
        this.metrics.consumed.inc({ queue: this.queue, type: envelope.type, outcome: 'retried' });
      }
      return;
    }
    if (outcome === 'busy') {
      // Another delivery of the same event is being handled right now: look again after the first delay.
      await this.forward(ch, msg, retryQueueName(this.queue, this.delayAfter(1)), { [HEADER_ATTEMPT]: attempt });
      this.metrics.consumed.inc({ queue: this.queue, type: envelope.type, outcome: 'requeued' });
      return;
    }
    this.ack(ch, msg);
    this.metrics.consumed.inc({
      queue: this.queue,
      type: envelope.type,
      outcome: outcome === 'duplicate' ? 'duplicate' : 'acked',
    });
    if (outcome === 'duplicate') eventLog.info('duplicate delivery ignored');
  }

  private delayAfter(attempt: number): number {
    return this.delays[Math.min(attempt - 1, this.delays.length - 1)] ?? 1_000;
  }

  private async run(envelope: EventEnvelope<T>, context: ConsumeContext): Promise<Outcome> {
    const dedupe = this.options.dedupe;
    if (!dedupe) {
      await this.options.handler(envelope, context);
      return 'handled';
    }
    if ('pool' in dedupe) {
      const effects: (() => Promise<void>)[] = [];
      const outcome = await withTransaction(dedupe.pool, async (client): Promise<Outcome> => {
        // Blocks while another transaction holds the same id, so concurrent duplicates wait and then skip.
        const inserted = await client.query(
          'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [this.queue, envelope.id],
        );
        if (inserted.rowCount === 0) return 'duplicate';
        const afterCommit = (effect: () => Promise<void>): void => void effects.push(effect);
        await this.options.handler(envelope, { ...context, db: client, afterCommit });
        return 'handled';
      });
      for (const effect of effects) {
        await effect().catch((err: unknown) =>
          this.log.warn({ err, eventId: envelope.id, type: envelope.type }, 'after-commit effect failed'),
        );
      }
      return outcome;
    }
    const { redis, prefix } = dedupe;
    const doneKey = `${prefix}events:done:${this.queue}:${envelope.id}`;
    const lockKey = `${prefix}events:lock:${this.queue}:${envelope.id}`;
    if ((await redis.exists(doneKey)) === 1) return 'duplicate';
    const token = randomUUID();
    if ((await redis.set(lockKey, token, 'PX', dedupe.lockMs ?? 60_000, 'NX')) !== 'OK') return 'busy';
    try {
      if ((await redis.exists(doneKey)) === 1) return 'duplicate';
      await this.options.handler(envelope, context);
      await redis.set(doneKey, '1', 'EX', dedupe.ttlSeconds ?? 7 * 24 * 3600);
      return 'handled';
    } finally {
      await redis
        .eval("if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0", 1, lockKey, token)
        .catch(() => undefined);
    }
  }

  /** Copies the message to `queue` (confirmed), then acks the original; on failure the original stays unacked. */
  private async forward(
    ch: ConfirmChannel,
    msg: ConsumeMessage,
    queue: string,
    extraHeaders: Record<string, unknown>,
  ): Promise<void> {
    const headers: Record<string, unknown> = {};
    for (const [key, value] of Object.entries((msg.properties.headers as Record<string, unknown> | undefined) ?? {})) {
      if (!STRIP_HEADERS.test(key)) headers[key] = value;
    }
    Object.assign(headers, extraHeaders, { 'x-original-queue': this.queue });
    const properties: Options.Publish = {
      persistent: true,
      contentType: msg.properties.contentType as string | undefined,
      messageId: msg.properties.messageId as string | undefined,
      type: msg.properties.type as string | undefined,
      appId: msg.properties.appId as string | undefined,
      timestamp: msg.properties.timestamp as number | undefined,
      headers,
    };
    try {
      await publishConfirmed(ch, '', queue, msg.content, properties, this.publishTimeoutMs);
    } catch (err) {
      this.log.warn({ err: errorMessage(err), target: queue }, 'could not forward; leaving the message for redelivery');
      this.nack(ch, msg);
      return;
    }
    this.ack(ch, msg);
  }

  private ack(ch: ConfirmChannel, msg: ConsumeMessage): void {
    try {
      ch.ack(msg);
    } catch {
      // The channel died: the broker redelivers the message and dedupe absorbs the repeat.
    }
  }

  private nack(ch: ConfirmChannel, msg: ConsumeMessage): void {
    try {
      ch.nack(msg, false, true);
    } catch {
      // As above: an unacked message on a dead channel is redelivered.
    }
  }
}
