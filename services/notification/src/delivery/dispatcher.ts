/**
 * "Sends" messages: records each one exactly once per idempotency key in notification_db (`sent_messages`,
 * keyed by recipient, channel and key), then hands it to the provider, which in this system is the log. A
 * repeat with the same key (a redelivered event, a retried API call, the ticket asked for by both the event and
 * the endpoint) sends nothing and reports the original message id. The marker is in PostgreSQL so that a Redis
 * flush cannot make the service send a traveller's ticket or refund notice a second time. Outside production
 * each sent message is also pushed to the recipient's development inbox in Redis (bodies, OTP codes included,
 * never touch the database); that inbox is a debugging aid and may be lost.
 */
import { randomUUID } from 'node:crypto';
import type { InboxMessage, NotificationChannel } from '@rail/contracts/notification';
import type { Queryable } from '@rail/db';
import type { Logger } from '@rail/logger';
import type { Redis } from '@rail/redis';
import type { OutgoingMessage } from '../domain/render.js';
import { normalizeRecipient } from '../domain/recipients.js';

export interface DispatchResult {
  id: string;
  channel: NotificationChannel;
  to: string;
  sent: boolean;
}

export interface Dispatcher {
  /** Sends each message once per `idempotencyKey` (per channel and recipient); `log` carries request context. */
  dispatch(messages: OutgoingMessage[], idempotencyKey: string, log?: Logger): Promise<DispatchResult[]>;
  /** Newest first; only when the inbox is enabled. */
  readInbox(to: string): Promise<InboxMessage[]>;
  /** Forgets markers older than the given age, one batch per call; returns how many went. */
  purgeSentMarkers(olderThanSeconds: number, batchSize?: number): Promise<number>;
}

export interface DispatcherOptions {
  db: Queryable;
  redis: Redis;
  prefix: string;
  logger: Logger;
  inboxEnabled: boolean;
  inboxMaxMessages: number;
  inboxTtlSeconds: number;
}

/** Phones are logged as +88017******78: enough to trace, not a contact list. */
function maskRecipient(to: string): string {
  if (to.includes('@')) return to.replace(/^(.).*(@.*)$/, '$1***$2');
  return to.length > 6 ? `${to.slice(0, 6)}${'*'.repeat(to.length - 8)}${to.slice(-2)}` : '***';
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { db, redis, prefix, logger } = options;
  const inboxKey = (to: string) => `${prefix}inbox:{${to}}`;

  /** The message id this key was first sent under, and whether that was now. */
  async function record(message: OutgoingMessage, idempotencyKey: string, id: string): Promise<[boolean, string]> {
    const inserted = await db.query<{ message_id: string }>(
      `INSERT INTO sent_messages (recipient, channel, idempotency_key, message_id, kind) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING RETURNING message_id`,
      [message.to, message.channel, idempotencyKey, id, message.kind],
    );
    if (inserted.rows[0]) return [true, inserted.rows[0].message_id];
    const { rows } = await db.query<{ message_id: string }>(
      'SELECT message_id FROM sent_messages WHERE recipient = $1 AND channel = $2 AND idempotency_key = $3',
      [message.to, message.channel, idempotencyKey],
    );
    // Purged between the two statements (older than the marker TTL): treat it as sent, under the new id.
    return [false, rows[0]?.message_id ?? id];
  }

  async function pushToInbox(entry: InboxMessage, log: Logger): Promise<void> {
    try {
      await redis
        .multi()
        .lpush(inboxKey(entry.to), JSON.stringify(entry))
        .ltrim(inboxKey(entry.to), 0, options.inboxMaxMessages - 1)
        .expire(inboxKey(entry.to), options.inboxTtlSeconds)
        .exec();
    } catch (err) {
      // The message is sent (the marker is committed); only the development copy is missing.
      log.warn({ err, messageId: entry.id }, 'could not add the message to the development inbox');
    }
  }

  return {
    async dispatch(messages, idempotencyKey, log = logger) {
      const results: DispatchResult[] = [];
      for (const message of messages) {
        const [sent, messageId] = await record(message, idempotencyKey, randomUUID());
        results.push({ id: messageId, channel: message.channel, to: message.to, sent });
        const fields = { messageId, kind: message.kind, channel: message.channel, to: maskRecipient(message.to) };
        if (sent) {
          if (options.inboxEnabled) {
            await pushToInbox(
              {
                id: messageId,
                kind: message.kind,
                channel: message.channel,
                to: message.to,
                body: message.body,
                createdAt: new Date().toISOString(),
                ...(message.subject === undefined ? {} : { subject: message.subject }),
                ...(message.qr === undefined ? {} : { qr: message.qr }),
              },
              log,
            );
          }
          // The mock provider: a real one would get `messageId` as its idempotency key.
          log.info({ ...fields, subject: message.subject, text: message.logBody }, `${message.channel} sent`);
        } else {
          log.info({ ...fields, idempotencyKey }, `${message.channel} already sent; not sending again`);
        }
      }
      return results;
    },

    async readInbox(to) {
      const raw = await redis.lrange(inboxKey(normalizeRecipient(to)), 0, options.inboxMaxMessages - 1);
      return raw.map((item) => JSON.parse(item) as InboxMessage);
    },

    async purgeSentMarkers(olderThanSeconds, batchSize = 5_000) {
      const { rowCount } = await db.query(
        `DELETE FROM sent_messages WHERE ctid IN (
           SELECT ctid FROM sent_messages WHERE created_at < now() - make_interval(secs => $1) LIMIT $2)`,
        [olderThanSeconds, batchSize],
      );
      return rowCount ?? 0;
    },
  };
}
