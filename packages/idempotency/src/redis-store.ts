/**
 * Redis adapter: one hash per key (layout in lua/claim.lua), claimed, answered and released by Lua scripts
 * that run atomically, are loaded once per client and are called by hash. A pending claim expires with its
 * lease (its holder died); an answered one with the TTL.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { ClaimAttempt, IdempotencyStore, KeyRef, StoredResponse } from './store.js';

export interface RedisStoreOptions {
  /** Prefix of every key, e.g. the service's REDIS_KEY_PREFIX. */
  prefix?: string;
  /** How long an answer is replayed (default 24 h). */
  ttlMs?: number;
}

// Resolved from the package root so the same path works from src/ (tsx, tests) and dist/ (tsc copies no .lua).
const script = (name: string) => readFileSync(new URL(`../src/lua/${name}.lua`, import.meta.url), 'utf8');
const SCRIPTS = {
  idempotencyClaim: script('claim'),
  idempotencyComplete: script('complete'),
  idempotencyRelease: script('release'),
};

type Reply = string | null;
/** The commands defineCommand adds (ioredis cannot type them). */
interface ScriptCommands {
  idempotencyClaim(key: string, salt: string, hash: string, op: string, leaseMs: number): Promise<Reply[] | null>;
  idempotencyComplete(key: string, salt: string, status: number, ctype: string, body: string, ttlMs: number): Promise<number>;
  idempotencyRelease(key: string, salt: string): Promise<number>;
}

function withScripts(redis: Redis): Redis & ScriptCommands {
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 1, lua });
  }
  return redis as Redis & ScriptCommands;
}

export function redisIdempotencyStore(redis: Redis, options: RedisStoreOptions = {}): IdempotencyStore {
  const client = withScripts(redis);
  const ttlMs = options.ttlMs ?? 24 * 3600_000;
  // The owner is encoded so that a ':' in it can never make two (owner, key) pairs share a record.
  const recordKey = (ref: KeyRef) => `${options.prefix ?? ''}idem:${encodeURIComponent(ref.owner)}:${ref.key}`;
  const b64 = (buf: Buffer) => buf.toString('base64');

  return {
    async tryClaim(ref, fingerprint, leaseMs): Promise<ClaimAttempt> {
      const reply = await client.idempotencyClaim(
        recordKey(ref),
        b64(fingerprint.salt),
        b64(fingerprint.hash),
        fingerprint.operation,
        Math.max(1, Math.ceil(leaseMs)),
      );
      if (reply === null) return { claimed: true };
      const [salt, hash, op, status, ctype, body] = reply;
      // A record that expired between EXISTS and HMGET cannot happen (the script is atomic); a missing field can
      // only be a foreign value under our key, which is no record of ours.
      if (!salt || !hash || op == null) return { claimed: false, existing: null };
      const response: StoredResponse | undefined =
        status != null && body != null ? { status: Number(status), contentType: ctype ?? 'application/json', body } : undefined;
      return {
        claimed: false,
        existing: { operation: op, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64'), response },
      };
    },
    async complete(ref, salt, response) {
      await client.idempotencyComplete(recordKey(ref), b64(salt), response.status, response.contentType, response.body, ttlMs);
    },
    async release(ref, salt) {
      await client.idempotencyRelease(recordKey(ref), b64(salt));
    },
  };
}
