/**
 * Idempotency-Key storage, per user. The key is claimed inside the caller's transaction, so the stored answer
 * commits together with the effect it describes; a concurrent request with the same key waits on the unique
 * index and then sees the committed answer. Requests are compared by a salted hash of their canonical JSON,
 * never by the body itself (it may hold a card number).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '@rail/db';
import { AppError } from '@rail/errors';

export type IdempotencyClaim = { kind: 'new' } | { kind: 'replay'; status: number; body: unknown };

export class IdempotencyKeyReusedError extends AppError {
  constructor() {
    super(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used for a different request', {
      detail: 'Send a new Idempotency-Key for a new request, or repeat the original request unchanged.',
    });
  }
}

/** JSON with object keys sorted, so that the same request always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function hashRequest(salt: Buffer, operation: string, request: unknown): Buffer {
  return createHash('sha256').update(salt).update(operation).update('\n').update(canonicalJson(request)).digest();
}

/**
 * Claims `key` for this request, or returns the stored answer of the earlier identical request. Throws
 * IdempotencyKeyReusedError when the key was used for a different request.
 */
export async function claimIdempotencyKey(
  db: Queryable,
  input: { userId: string; key: string; operation: string; request: unknown },
): Promise<IdempotencyClaim> {
  const salt = randomBytes(16);
  const { rowCount } = await db.query(
    `INSERT INTO idempotency_keys (user_id, key, operation, request_salt, request_hash) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id, key) DO NOTHING`,
    [input.userId, input.key, input.operation, salt, hashRequest(salt, input.operation, input.request)],
  );
  if (rowCount === 1) return { kind: 'new' };

  const { rows } = await db.query<{
    request_salt: Buffer;
    request_hash: Buffer;
    response_status: number | null;
    response_body: unknown;
  }>('SELECT request_salt, request_hash, response_status, response_body FROM idempotency_keys WHERE user_id = $1 AND key = $2', [
    input.userId,
    input.key,
  ]);
  const stored = rows[0];
  if (!stored) throw new AppError(409, 'IDEMPOTENCY_KEY_IN_USE', 'This Idempotency-Key is being used by another request');
  const hash = hashRequest(stored.request_salt, input.operation, input.request);
  if (!timingSafeEqual(hash, stored.request_hash)) throw new IdempotencyKeyReusedError();
  if (stored.response_status === null) {
    throw new AppError(409, 'IDEMPOTENCY_KEY_IN_USE', 'This Idempotency-Key is being used by another request');
  }
  return { kind: 'replay', status: stored.response_status, body: stored.response_body };
}

export async function storeIdempotentResponse(
  db: Queryable,
  input: { userId: string; key: string; status: number; body: unknown },
): Promise<void> {
  await db.query('UPDATE idempotency_keys SET response_status = $3, response_body = $4 WHERE user_id = $1 AND key = $2', [
    input.userId,
    input.key,
    input.status,
    JSON.stringify(input.body),
  ]);
}
