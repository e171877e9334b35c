/** A fresh, migrated database per test file, dropped afterwards. */
import { randomBytes } from 'node:crypto';
import { dropDatabase, ensureDatabase } from './database.js';
import { migrate } from './migrate.js';

export interface TestDatabase {
  url: string;
  drop: () => Promise<void>;
}

export async function createTestDatabase(prefix: string, migrationsDir?: string | string[]): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = new URL(base);
  url.pathname = `/${prefix}_test_${randomBytes(5).toString('hex')}`;
  const connectionString = url.toString();
  await ensureDatabase(connectionString);
  if (migrationsDir) await migrate(connectionString, migrationsDir);
  return { url: connectionString, drop: () => dropDatabase(connectionString) };
}
