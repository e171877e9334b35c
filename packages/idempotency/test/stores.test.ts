/**
 * The protocol over both stores, against the real Redis and PostgreSQL: claim, replay, reuse, per-owner keys,
 * a duplicate waiting for the first answer or told to retry, release, lease takeover, TTL. Then what only
 * PostgreSQL does: the claim inside the caller's transaction, and the purge of old keys.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, createTestDatabase, withTransaction, type Pool, type TestDatabase } from '@rail/db';
import { createRedis, type Redis } from '@rail/redis';
import {
  claimIdempotencyKey,
  postgresIdempotencyStore,
  redisIdempotencyStore,
  type IdempotencyClaim,
  type IdempotencyStore,
  type StoredResponse,
} from '@rail/idempotency';

const migrations = fileURLToPath(new URL('./migrations', import.meta.url));
const prefix = `test:idem:${randomUUID()}:`;
let db: TestDatabase;
let pool: Pool;
let redis: Redis;

beforeAll(async () => {
  db = await createTestDatabase('idempotency', migrations);
  pool = createPool(db.url, { max: 6 });
  redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'idempotency-test' });
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await pool.end();
  await db.drop();
});

const ok: StoredResponse = { status: 201, contentType: 'application/json; charset=utf-8', body: '{"bookingId":"b1"}' };

function expectNew(claim: IdempotencyClaim): Extract<IdempotencyClaim, { kind: 'new' }> {
  if (claim.kind !== 'new') throw new Error(`expected a new claim, got ${claim.kind}`);
  return claim;
}

const adapters: [string, (ttlMs?: number) => IdempotencyStore][] = [
  ['Redis', (ttlMs) => redisIdempotencyStore(redis, { prefix, ttlMs })],
  ['PostgreSQL', (ttlMs) => postgresIdempotencyStore(pool, { ttlMs })],
];

describe.each(adapters)('the protocol over %s', (_name, makeStore) => {
  let store: IdempotencyStore;
  beforeAll(() => {
    store = makeStore();
  });
  const input = (over: Partial<{ owner: string; key: string; operation: string; request: unknown }> = {}) => ({
    owner: 'user-1',
    key: randomUUID(),
    operation: 'POST /seats/select',
    request: { tripId: 1, seatIds: [5] },
    ...over,
  });

  it('claims a new key, then replays the stored answer to the same request (keys in any order)', async () => {
    const req = input({ request: { tripId: 1, seatIds: [5], from: 'DHK' } });
    const first = expectNew(await claimIdempotencyKey(store, req));
    await first.complete(ok);
    const again = await claimIdempotencyKey(store, { ...req, request: { from: 'DHK', seatIds: [5], tripId: 1 } });
    expect(again).toEqual({ kind: 'replay', response: ok });
  });

  it('refuses the same key with another body or on another operation (422 IDEMPOTENCY_KEY_REUSED)', async () => {
    const req = input();
    await expectNew(await claimIdempotencyKey(store, req)).complete(ok);
    await expect(claimIdempotencyKey(store, { ...req, request: { tripId: 1, seatIds: [6] } })).rejects.toMatchObject({
      status: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
    await expect(claimIdempotencyKey(store, { ...req, operation: 'POST /seats/confirm' })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_KEY_REUSED',
    });
  });

  it('keeps keys per owner, even owners whose ids contain the separator', async () => {
    const key = randomUUID();
    await expectNew(await claimIdempotencyKey(store, input({ owner: 'a:b', key }))).complete(ok);
    expect((await claimIdempotencyKey(store, input({ owner: 'a', key: `b:${key}` }))).kind).toBe('new');
    expect((await claimIdempotencyKey(store, input({ owner: 'user-2', key }))).kind).toBe('new');
  });

  it('a duplicate waits for the first answer and gets it replayed', async () => {
    const req = input();
    const first = expectNew(await claimIdempotencyKey(store, req));
    const duplicate = claimIdempotencyKey(store, req, { waitMs: 5_000 });
    await sleep(100);
    await first.complete(ok);
    expect(await duplicate).toEqual({ kind: 'replay', response: ok });
  });

  it('a duplicate that waited too long is told to retry (409 IDEMPOTENCY_REQUEST_IN_PROGRESS, Retry-After)', async () => {
    const req = input();
    expectNew(await claimIdempotencyKey(store, req));
    const started = Date.now();
    await expect(claimIdempotencyKey(store, req, { waitMs: 150 })).rejects.toMatchObject({
      status: 409,
      code: 'IDEMPOTENCY_REQUEST_IN_PROGRESS',
      retryAfter: 1,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('a released key can be claimed again', async () => {
    const req = input();
    await expectNew(await claimIdempotencyKey(store, req)).release();
    expect((await claimIdempotencyKey(store, req)).kind).toBe('new');
  });

  it('a claim whose holder died is taken over after its lease, and the old holder can no longer answer', async () => {
    const req = input();
    const dead = expectNew(await claimIdempotencyKey(store, req, { leaseMs: 100 }));
    await sleep(250);
    const next = expectNew(await claimIdempotencyKey(store, req, { leaseMs: 100 }));
    await next.complete(ok);
    await dead.complete({ ...ok, body: '{"late":true}' });
    await dead.release();
    expect(await claimIdempotencyKey(store, req)).toEqual({ kind: 'replay', response: ok });
  });

  it('forgets an answer after the TTL', async () => {
    const short = makeStore(150);
    const req = input();
    await expectNew(await claimIdempotencyKey(short, req)).complete(ok);
    expect((await claimIdempotencyKey(short, req)).kind).toBe('replay');
    await sleep(400);
    expect((await claimIdempotencyKey(short, { ...req, request: { other: true } })).kind).toBe('new');
  });
});

describe('the PostgreSQL store inside the caller’s transaction', () => {
  const req = () => ({ owner: 'user-1', key: randomUUID(), operation: 'payments.verify', request: { paymentId: 'p1' } });

  it('commits the answer with the effect; a concurrent duplicate waits for that commit and replays it', async () => {
    const input = req();
    let releaseFirst!: () => void;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    let claimedFirst!: () => void;
    const firstClaimed = new Promise<void>((resolve) => (claimedFirst = resolve));

    const first = withTransaction(pool, async (tx) => {
      const claim = expectNew(await claimIdempotencyKey(postgresIdempotencyStore(tx), input));
      claimedFirst();
      await firstHolds;
      await tx.query('CREATE TEMP TABLE effect (n int) ON COMMIT DROP');
      await claim.complete(ok);
    });
    await firstClaimed;
    const second = withTransaction(pool, async (tx) => claimIdempotencyKey(postgresIdempotencyStore(tx), input));
    await sleep(150);
    // Still blocked on the uncommitted row of the first transaction.
    expect(await Promise.race([second.then(() => 'done'), sleep(50).then(() => 'waiting')])).toBe('waiting');
    releaseFirst();
    await first;
    expect(await second).toEqual({ kind: 'replay', response: ok });
  });

  it('a rolled-back claim leaves no key behind, so the next request runs', async () => {
    const input = req();
    await expect(
      withTransaction(pool, async (tx) => {
        expectNew(await claimIdempotencyKey(postgresIdempotencyStore(tx), input));
        throw new Error('the payment failed');
      }),
    ).rejects.toThrow('the payment failed');
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM idempotency_keys WHERE key = $1', [input.key]);
    expect(rows[0].n).toBe(0);
    expect((await withTransaction(pool, (tx) => claimIdempotencyKey(postgresIdempotencyStore(tx), input))).kind).toBe('new');
  });

  it('purges keys older than the TTL in batches and keeps the fresh ones', async () => {
    const store = postgresIdempotencyStore(pool, { ttlMs: 24 * 3600_000 });
    const owner = `purge-${randomUUID()}`;
    for (let i = 0; i < 5; i++) {
      await expectNew(await claimIdempotencyKey(store, { owner, key: `old-${i}`, operation: 'op', request: i })).complete(ok);
    }
    await expectNew(await claimIdempotencyKey(store, { owner, key: 'fresh', operation: 'op', request: 0 })).complete(ok);
    await pool.query(
      "UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE user_id = $1 AND key LIKE 'old-%'",
      [owner],
    );
    const purged = await store.purgeExpired(2);
    expect(purged).toBeGreaterThanOrEqual(5);
    const { rows } = await pool.query<{ key: string }>('SELECT key FROM idempotency_keys WHERE user_id = $1', [owner]);
    expect(rows.map((r) => r.key)).toEqual(['fresh']);
  });
});
