/**
 * Idempotency-Key for POSTs: the first request with a key (per user and route) runs; its answer is stored
 * in Redis and replayed to every retry. A duplicate that arrives while the first is still running waits
 * for that answer instead of running again, so a retry can never make a second hold. A key reused with a
 * different body is refused. Server errors are not stored, so the client may retry them.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ConflictError } from '@rail/errors';
import type { Redis } from '@rail/redis';

export interface IdempotencyOptions {
  redis: Redis;
  prefix: string;
  ttlSeconds?: number;
  waitMs?: number;
}

interface Stored {
  fp: string;
  done?: boolean;
  s?: number;
  t?: string;
  b?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey?: { key: string; fp: string };
  }
}

export function idempotencyHooks(options: IdempotencyOptions) {
  const ttlMs = (options.ttlSeconds ?? 24 * 3600) * 1000;
  const waitMs = options.waitMs ?? 10_000;
  const leaseMs = waitMs * 3;

  async function preHandler(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const header = request.headers['idempotency-key'];
    if (typeof header !== 'string' || request.user === null) return;
    const key = `${options.prefix}idem:${request.user.id}:${request.routeOptions.url ?? ''}:${header}`;
    const fp = createHash('sha256')
      .update(JSON.stringify([request.params ?? null, request.body ?? null]))
      .digest('base64url');
    const deadline = Date.now() + waitMs;
    for (;;) {
      const claimed = await options.redis.set(key, JSON.stringify({ fp } satisfies Stored), 'PX', leaseMs, 'NX');
      if (claimed === 'OK') {
        request.idempotencyKey = { key, fp };
        return;
      }
      const raw = await options.redis.get(key);
      if (raw !== null) {
        const stored = JSON.parse(raw) as Stored;
        if (stored.fp !== fp) {
          throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for a different request');
        }
        if (stored.done) {
          reply
            .header('idempotent-replayed', 'true')
            .status(stored.s!)
            .type(stored.t ?? 'application/json');
          await reply.send(stored.b);
          return;
        }
      }
      if (Date.now() >= deadline) {
        throw new ConflictError(
          'IDEMPOTENCY_IN_PROGRESS',
          'The first request with this Idempotency-Key is still running; retry shortly',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async function onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const claim = request.idempotencyKey;
    if (!claim) return payload;
    request.idempotencyKey = undefined;
    if (reply.statusCode >= 500 || typeof payload !== 'string') {
      await options.redis.del(claim.key);
    } else {
      const stored: Stored = {
        fp: claim.fp,
        done: true,
        s: reply.statusCode,
        t: String(reply.getHeader('content-type') ?? ''),
        b: payload,
      };
      await options.redis.set(claim.key, JSON.stringify(stored), 'PX', ttlMs);
    }
    return payload;
  }

  return { preHandler, onSend };
}
