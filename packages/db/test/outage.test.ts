import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPool, createTestDatabase, withTransaction, type Pool, type TestDatabase } from '@rail/db';
import { isDependencyUnavailable } from '@rail/http';
import { startTcpProxy, watchProcessErrors, type ProcessErrorWatch, type TcpProxy } from '@rail/testing';

// PostgreSQL restarts and outages are simulated with a TCP proxy in front of the shared server, which is never touched.
const FAST_MS = 1_500;

let db: TestDatabase;
let proxy: TcpProxy;
let pool: Pool;
let watch: ProcessErrorWatch;

beforeAll(async () => {
  db = await createTestDatabase('dboutage');
  const target = new URL(db.url);
  proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
});

afterAll(async () => {
  await proxy.close();
  await db.drop();
});

beforeEach(() => {
  watch = watchProcessErrors();
  pool = createPool(proxy.urlFor(db.url), { max: 4 });
});

afterEach(async () => {
  proxy.restore();
  await pool.end();
  watch.stop();
});

/** Runs `fn`, expecting it to fail as "dependency unavailable" within `withinMs`; returns how long it took. */
async function failsFast(fn: () => Promise<unknown>, withinMs = FAST_MS): Promise<number> {
  const started = performance.now();
  const error = await fn().then(
    () => undefined,
    (err: unknown) => err,
  );
  const elapsed = performance.now() - started;
  expect(error, 'the call should have failed').toBeInstanceOf(Error);
  expect(isDependencyUnavailable(error), `not recognised as unavailable: ${String(error)}`).toBe(true);
  expect(elapsed).toBeLessThan(withinMs);
  return elapsed;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('pool through a PostgreSQL outage', () => {
  it('survives the server going away under a checked-out client, fails fast while it is down, and recovers by itself', async () => {
    expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    // A transaction waiting on something else (a payment provider call) holds its client when the server restarts.
    const held = await pool.connect();
    await held.query('BEGIN');
    const idle = await pool.connect();
    idle.release(); // one idle client too

    proxy.cut();
    await sleep(200); // both connections see the reset; without a listener the checked-out one crashes the process
    await failsFast(() => held.query('SELECT 1'));
    held.release();

    // A 2.5 s restart: queries and transactions during it fail fast with an error the HTTP layer answers 503.
    const outageEnds = Date.now() + 2_500;
    while (Date.now() < outageEnds) {
      await failsFast(() => pool.query('SELECT 1'));
      await failsFast(() => withTransaction(pool, (client) => client.query('SELECT 1')));
      await sleep(250);
    }

    proxy.restore();
    expect((await pool.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    expect(await withTransaction(pool, async (client) => (await client.query('SELECT 3 AS n')).rows[0])).toEqual({ n: 3 });
    expect(watch.errors).toEqual([]);
  });

  it('destroys a connection lost inside a transaction instead of handing it to the next caller', async () => {
    const failed = withTransaction(pool, async (client) => {
      await client.query('SELECT 1');
      proxy.cut();
      await sleep(100);
      await client.query('SELECT 2');
    });
    await expect(failed).rejects.toSatisfy(isDependencyUnavailable);
    proxy.restore();
    // Every later transaction gets a working connection (never the dead one with its half-finished BEGIN).
    for (let i = 0; i < 6; i++) {
      expect(await withTransaction(pool, async (client) => (await client.query('SELECT $1::int AS i', [i])).rows[0])).toEqual({
        i,
      });
    }
    expect(watch.errors).toEqual([]);
  });

  it('bounds the wait for a server that accepts connections and never answers by the connection timeout', async () => {
    const stalledPool = createPool(proxy.urlFor(db.url), { max: 2, connectionTimeoutMs: 500 });
    try {
      proxy.stall();
      const elapsed = await failsFast(() => stalledPool.query('SELECT 1'), 1_000);
      expect(elapsed).toBeGreaterThanOrEqual(450);
      proxy.restore();
      expect((await stalledPool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await stalledPool.end();
    }
    expect(watch.errors).toEqual([]);
  });
});
