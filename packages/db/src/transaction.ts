/** Runs a function in one transaction: committed when it resolves, rolled back when it throws. */
import type { Pool, PoolClient } from './pool.js';

export async function withTransaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // Set when the connection may be unusable (its ROLLBACK failed): the pool then destroys it instead of
  // handing a half-finished transaction to the next caller.
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw err;
  } finally {
    client.release(broken);
  }
}
