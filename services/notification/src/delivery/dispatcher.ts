/**
 * "Sends" messages: records each one exactly once per idempotency key in Redis (one Lua script: the sent
 * marker and the development inbox entry are written together), then hands it to the provider, which in
 * this system is the log. A repeat with the same key (a redelivered event, a retried API call, the ticket
 * asked for by both the event and the endpoint) sends nothing and reports the original message id.
 * Keys of one recipient share a hash tag, so the script touches one Redis Cluster slot.
 */
import { randomUUID } from 'node:crypto';
import type { InboxMessage, NotificationChannel } from '@rail/contracts/notification';
import type { Logger } from '@rail/logger';
import type { Redis } from '@rail/redis';
import type { OutgoingMessage } from '../domain/render.js';
import { normalizeRecipient } from '../domain/recipients.js';

const RECORD_SCRIPT = `
local existing = redis.call('GET', KEYS[1])
if existing then return {0, existing} end
redis.call('SET', KEYS[1], ARGV[1], 'EX', tonumber(ARGV[2]))
if ARGV[3] == '1' then
  redis.call('LPUSH', KEYS[2], ARGV[4])
  redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[5]) - 1)
  redis.call('EXPIRE', KEYS[2], tonumber(ARGV[6]))
end
return {1, ARGV[1]}
`;

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
}

export interface DispatcherOptions {
  redis: Redis;
  prefix: string;
  logger: Logger;
  inboxEnabled: boolean;
  inboxMaxMessages: number;
  inboxTtlSeconds: number;
  sentMarkerTtlSeconds: number;
}

/** Phones are logged as +88017******78: enough to trace, not a contact list. */
function maskRecipient(to: string): string {
  if (to.includes('@')) return to.replace(/^(.).*(@.*)$/, '$1***$2');
  return to.length > 6 ? `${to.slice(0, 6)}${'*'.repeat(to.length - 8)}${to.slice(-2)}` : '***';
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const { redis, prefix, logger } = options;
  const inboxKey = (to: string) => `${prefix}inbox:{${to}}`;
  const sentKey = (to: string, channel: string, key: string) => `${prefix}sent:{${to}}:${channel}:${key}`;

  return {
    async dispatch(messages, idempotencyKey, log = logger) {
      const results: DispatchResult[] = [];
      for (const message of messages) {
        const id = randomUUID();
        const entry: InboxMessage = {
          id,
          kind: message.kind,
          channel: message.channel,
          to: message.to,
          body: message.body,
          createdAt: new Date().toISOString(),
          ...(message.subject === undefined ? {} : { subject: message.subject }),
          ...(message.qr === undefined ? {} : { qr: message.qr }),
        };
        const [created, messageId] = (await redis.eval(
          RECORD_SCRIPT,
          2,
          sentKey(message.to, message.channel, idempotencyKey),
          inboxKey(message.to),
          id,
          String(options.sentMarkerTtlSeconds),
          options.inboxEnabled ? '1' : '0',
          JSON.stringify(entry),
          String(options.inboxMaxMessages),
          String(options.inboxTtlSeconds),
        )) as [number, string];
        const sent = created === 1;
        results.push({ id: messageId, channel: message.channel, to: message.to, sent });
        const fields = { messageId, kind: message.kind, channel: message.channel, to: maskRecipient(message.to) };
        if (sent) {
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
  };
}
