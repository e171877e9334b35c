/**
 * PostgreSQL adapter, over the service's `idempotency_keys` table (shape in the README). Given the client of
 * the caller's transaction, the claim is part of that transaction: the stored answer commits together with the
 * effect it describes, and a concurrent request with the same key waits on the primary key until the first
 * commits (then sees its answer) or rolls back (then claims the key itself). Old rows are purged in batches.
 */
import type { Queryable } from '@rail/db';
import type { ClaimAttempt, IdempotencyStore, StoredResponse } from './store.js';

export interface PostgresStoreOptions {
  /** How long an answer is replayed; older rows count as absent and are purged (default 24 h). */
  ttlMs?: number;
}

export interface PostgresIdempotencyStore extends IdempotencyStore {
  /** Deletes rows older than the TTL, `batchSize` at a time; resolves with how many went. */
  purgeExpired(batchSize?: number): Promise<number>;
}

interface Row {
  operation: string;
  request_salt: Buffer;
  request_hash: Buffer;
  response_status: number | null;
  response_content_type: string | null;
  response_body: string | null;
}

export function postgresIdempotencyStore(db: Queryable, options: PostgresStoreOptions = {}): PostgresIdempotencyStore {
  const ttlMs = options.ttlMs ?? 24 * 3600_000;
  return {
    async tryClaim(ref, fingerprint, leaseMs): Promise<ClaimAttempt> {
      // A conflicting row is taken over only when it is dead: pending past its lease, or older than the TTL.
      const claimed = await db.query(
        `INSERT INTO idempotency_keys (user_id, key, operation, request_salt, request_hash) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, key) DO UPDATE
           SET operation = EXCLUDED.operation, request_salt = EXCLUDED.request_salt, request_hash = EXCLUDED.request_hash,
               response_status = NULL, response_content_type = NULL, response_body = NULL, created_at = now()
           WHERE (idempotency_keys.response_status IS NULL AND idempotency_keys.created_at < now() - make_interval(secs => $6 / 1000.0))
              OR idempotency_keys.created_at < now() - make_interval(secs => $7 / 1000.0)`,
        [ref.owner, ref.key, fingerprint.operation, fingerprint.salt, fingerprint.hash, leaseMs, ttlMs],
      );
      if (claimed.rowCount === 1) return { claimed: true };
      const { rows } = await db.query<Row>(
        `SELECT operation, request_salt, request_hash, response_status, response_content_type, response_body
         FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
        [ref.owner, ref.key],
      );
      const row = rows[0];
      if (!row) return { claimed: false, existing: null };
      const response: StoredResponse | undefined =
        row.response_status === null || row.response_body === null
          ? undefined
          : {
              status: row.response_status,
              contentType: row.response_content_type ?? 'application/json',
              body: row.response_body,
            };
      return { claimed: false, existing: { operation: row.operation, salt: row.request_salt, hash: row.request_hash, response } };
    },
    async complete(ref, salt, response) {
      await db.query(
        `UPDATE idempotency_keys SET response_status = $4, response_content_type = $5, response_body = $6
         WHERE user_id = $1 AND key = $2 AND request_salt = $3`,
        [ref.owner, ref.key, salt, response.status, response.contentType, response.body],
      );
    },
    async release(ref, salt) {
      await db.query(
        'DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND request_salt = $3 AND response_status IS NULL',
        [ref.owner, ref.key, salt],
      );
    },
    async purgeExpired(batchSize = 1000) {
      let total = 0;
      for (;;) {
        const { rowCount } = await db.query(
          `DELETE FROM idempotency_keys WHERE ctid IN (
             SELECT ctid FROM idempotency_keys WHERE created_at < now() - make_interval(secs => $1 / 1000.0) LIMIT $2)`,
          [ttlMs, batchSize],
        );
        total += rowCount ?? 0;
        if ((rowCount ?? 0) < batchSize) return total;
      }
    },
  };
}
