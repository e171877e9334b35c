/**
 * The protocol, once, over any store: the first request with a key claims it and later stores its answer; a
 * retry of the same request gets that answer replayed; the same key with a different request is refused (422);
 * a duplicate arriving while the first still runs waits for its answer, up to `waitMs`, then is told to retry
 * (409 with Retry-After).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { IdempotencyKeyReusedError, IdempotencyRequestInProgressError } from './errors.js';
import { createFingerprint, fingerprintMatches } from './fingerprint.js';
import type { IdempotencyStore, KeyRef, StoredResponse } from './store.js';

export interface ClaimInput extends KeyRef {
  /** What the request does, e.g. `POST /api/bookings/seats/select`: the same key on another operation is a reuse. */
  operation: string;
  /** Everything that makes the request what it is (body, path parameters), compared by fingerprint. */
  request: unknown;
}

export interface ClaimOptions {
  /** How long a duplicate waits for the first request's answer (default 10 s). */
  waitMs?: number;
  /** How long a pending claim holds before another request may take it over (default 3 x waitMs). */
  leaseMs?: number;
  /** Pause between looks at a pending claim (default 25 ms). */
  pollMs?: number;
}

export type IdempotencyClaim =
  | {
      kind: 'new';
      /** Stores the answer to replay to retries. */
      complete(response: StoredResponse): Promise<void>;
      /** Gives the key up (the client may retry with it). */
      release(): Promise<void>;
    }
  | { kind: 'replay'; response: StoredResponse };

export async function claimIdempotencyKey(
  store: IdempotencyStore,
  input: ClaimInput,
  options: ClaimOptions = {},
): Promise<IdempotencyClaim> {
  const waitMs = options.waitMs ?? 10_000;
  const leaseMs = options.leaseMs ?? waitMs * 3;
  const pollMs = options.pollMs ?? 25;
  const ref: KeyRef = { owner: input.owner, key: input.key };
  const fingerprint = createFingerprint(input.operation, input.request);
  const deadline = Date.now() + waitMs;

  for (;;) {
    const attempt = await store.tryClaim(ref, fingerprint, leaseMs);
    if (attempt.claimed) {
      return {
        kind: 'new',
        complete: (response) => store.complete(ref, fingerprint.salt, response),
        release: () => store.release(ref, fingerprint.salt),
      };
    }
    const existing = attempt.existing;
    if (existing) {
      if (existing.operation !== input.operation || !fingerprintMatches(existing, input.operation, input.request)) {
        throw new IdempotencyKeyReusedError();
      }
      if (existing.response) return { kind: 'replay', response: existing.response };
    }
    if (Date.now() >= deadline) throw new IdempotencyRequestInProgressError(1);
    await sleep(pollMs);
  }
}
