import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPool, createTestDatabase, migrate, withTransaction, type TestDatabase } from '@rail/db';

const migrations = fileURLToPath(new URL('./migrations', import.meta.url));
const extraMigrations = fileURLToPath(new URL('./migrations-extra', import.meta.url));
const databases: TestDatabase[] = [];

afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

describe('database helpers', () => {
  it('creates a database, migrates it once even when replicas race, and rolls back failed transactions', async () => {
    const db = await createTestDatabase('dbpkg');
    databases.push(db);
    const results = await Promise.all([migrate(db.url, migrations), migrate(db.url, migrations), migrate(db.url, migrations)]);
    expect(results.flat()).toEqual(['0001_widgets']);

    const pool = createPool(db.url, { max: 2 });
    try {
      await expect(
        withTransaction(pool, async (client) => {
          await client.query("INSERT INTO widgets (name) VALUES ('a')");
          await client.query("INSERT INTO widgets (name) VALUES ('a')");
        }),
      ).rejects.toMatchObject({ code: '23505' });
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM widgets');
      expect(rows[0].n).toBe(0);
    } finally {
      await pool.end();
    }
  });

  it('applies several migration directories together, ordered by their numeric prefixes', async () => {
    const db = await createTestDatabase('dbpkg', [migrations, extraMigrations]);
    databases.push(db);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY id');
      expect(rows.map((r) => r.name)).toEqual(['0000_gadgets', '0001_widgets']);
      expect(await migrate(db.url, [migrations, extraMigrations])).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('drops the test database', async () => {
    const db = await createTestDatabase('dbpkg');
    await db.drop();
    const client = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await client.connect();
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [new URL(db.url).pathname.slice(1)]);
    await client.end();
    expect(rowCount).toBe(0);
  });
});
