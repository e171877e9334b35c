/**
 * Idempotency-Key for POSTs, one protocol for every service: the header's format and its 400, request
 * fingerprints, replay of the stored answer (`Idempotent-Replayed: true`), 422 for a key reused with another
 * request, 409 + Retry-After while the first request still runs, key TTL and purge; stores for Redis and for
 * PostgreSQL (inside the caller's transaction). Error codes: IDEMPOTENCY_KEY_INVALID, IDEMPOTENCY_KEY_REUSED,
 * IDEMPOTENCY_REQUEST_IN_PROGRESS.
 */
export { IdempotencyKeyInvalidError, IdempotencyKeyReusedError, IdempotencyRequestInProgressError } from './errors.js';
export { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, IdempotencyKeyHeaders, parseIdempotencyKey } from './key.js';
export { canonicalJson, createFingerprint, fingerprintMatches, type Fingerprint } from './fingerprint.js';
export type { ClaimAttempt, IdempotencyStore, KeyRef, StoredRecord, StoredResponse } from './store.js';
export { claimIdempotencyKey, type ClaimInput, type ClaimOptions, type IdempotencyClaim } from './claim.js';
export { idempotencyHooks, readIdempotencyKey, sendReplay, type IdempotencyHooksOptions } from './fastify.js';
export { redisIdempotencyStore, type RedisStoreOptions } from './redis-store.js';
export { postgresIdempotencyStore, type PostgresIdempotencyStore, type PostgresStoreOptions } from './postgres-store.js';
