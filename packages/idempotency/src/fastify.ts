/**
 * The protocol on Fastify routes. `idempotencyHooks(...)` gives a route the whole of it: preValidation reads
 * the header (a bad key is a 400 IDEMPOTENCY_KEY_INVALID, before schema validation), preHandler claims the key
 * or replays the stored answer (marked `Idempotent-Replayed: true`), onSend stores the answer. Answers below 500
 * are stored; a 5xx releases the key so the client may retry it. A route whose answer must commit with its
 * effect uses only `readIdempotencyKey` and claims the key inside its own transaction (postgres-store.ts).
 *
 * When the store cannot be reached (Redis down), `whenStoreUnavailable` decides: 'refuse' (the default) fails
 * the request fast with the store's error, which the shared handler answers 503 DEPENDENCY_UNAVAILABLE with
 * Retry-After; 'proceed' runs the request without its key, for routes whose own durable state already makes a
 * repeat harmless (a state machine that refuses or absorbs the second attempt). An answer that cannot be stored
 * is still sent; its pending claim lapses with its lease.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDependencyUnavailable } from '@rail/http';
import { claimIdempotencyKey, type ClaimOptions, type IdempotencyClaim } from './claim.js';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, parseIdempotencyKey } from './key.js';
import type { IdempotencyStore, StoredResponse } from './store.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The request's valid Idempotency-Key, set by `readIdempotencyKey`. */
    idempotencyKey?: string;
  }
}

/** preValidation hook: validates the header and sets `request.idempotencyKey`. */
export async function readIdempotencyKey(request: FastifyRequest): Promise<void> {
  request.idempotencyKey = parseIdempotencyKey(request.headers[IDEMPOTENCY_KEY_HEADER]);
}

/** Sends a stored answer as it was first sent, marked as a replay. */
export function sendReplay(reply: FastifyReply, response: StoredResponse): FastifyReply {
  return reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true').status(response.status).type(response.contentType).send(response.body);
}

export interface IdempotencyHooksOptions extends ClaimOptions {
  store: IdempotencyStore;
  /** Whose key it is (the signed-in user); undefined leaves the request without idempotency. */
  owner: (request: FastifyRequest) => string | undefined;
  /**
   * What to do when the store is unreachable: 'refuse' (default) answers 503 with Retry-After at once;
   * 'proceed' runs the request without the key, only for routes that are safe to repeat by their own state.
   */
  whenStoreUnavailable?: 'refuse' | 'proceed';
}

export function idempotencyHooks(options: IdempotencyHooksOptions) {
  const claims = new WeakMap<FastifyRequest, Extract<IdempotencyClaim, { kind: 'new' }>>();

  async function preHandler(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const key = request.idempotencyKey;
    const owner = options.owner(request);
    if (key === undefined || owner === undefined) return;
    let claim: IdempotencyClaim;
    try {
      claim = await claimIdempotencyKey(
        options.store,
        {
          owner,
          key,
          operation: `${request.method} ${request.routeOptions.url ?? request.url}`,
          request: { params: request.params ?? null, body: request.body ?? null },
        },
        options,
      );
    } catch (err) {
      if (options.whenStoreUnavailable !== 'proceed' || !isDependencyUnavailable(err)) throw err;
      request.log.warn({ err }, 'idempotency store unavailable: the request runs without its key');
      return;
    }
    if (claim.kind === 'replay') {
      await sendReplay(reply, claim.response);
      return;
    }
    claims.set(request, claim);
  }

  async function onSend(request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> {
    const claim = claims.get(request);
    if (!claim) return payload;
    claims.delete(request);
    try {
      if (reply.statusCode >= 500 || typeof payload !== 'string') {
        await claim.release();
      } else {
        const contentType = reply.getHeader('content-type');
        await claim.complete({
          status: reply.statusCode,
          contentType: typeof contentType === 'string' ? contentType : 'application/json; charset=utf-8',
          body: payload,
        });
      }
    } catch (err) {
      // The work is done: its answer goes out. Without a stored answer a retry waits out the claim's lease and
      // then runs again, which the route's own state has to absorb.
      if (!isDependencyUnavailable(err)) throw err;
      request.log.warn({ err }, 'idempotency store unavailable: the answer was not stored for replay');
    }
    return payload;
  }

  return { preValidation: readIdempotencyKey, preHandler, onSend };
}
