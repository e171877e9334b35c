/** What the protocol needs from a place to keep keys; adapters: Redis (redis-store.ts), PostgreSQL (postgres-store.ts). */
import type { Fingerprint } from './fingerprint.js';

/** A key belongs to one owner (the user): the same key from two users is two requests. */
export interface KeyRef {
  owner: string;
  key: string;
}

/** The first request's answer, replayed as it was sent. */
export interface StoredResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface StoredRecord extends Fingerprint {
  /** Absent while the first request is still running. */
  response?: StoredResponse;
}

export type ClaimAttempt = { claimed: true } | { claimed: false; existing: StoredRecord | null };

export interface IdempotencyStore {
  /**
   * Records a pending claim unless the key already has a record. A pending record older than `leaseMs` (its
   * holder died) and a record older than the key TTL count as absent. `existing` is null when the record
   * vanished between the two steps (try again).
   */
  tryClaim(ref: KeyRef, fingerprint: Fingerprint, leaseMs: number): Promise<ClaimAttempt>;
  /** Stores the answer; only the holder of the claim (same salt) may. */
  complete(ref: KeyRef, salt: Buffer, response: StoredResponse): Promise<void>;
  /** Forgets a pending claim (the request failed in a way the client may retry). */
  release(ref: KeyRef, salt: Buffer): Promise<void>;
}
