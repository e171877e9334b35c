/**
 * The auth database's migrations: its own tables, then the shared outbox. The SQL files stay in src/ (tsc does
 * not copy them); the path resolves the same from src/db/ and from dist/db/.
 */
import { fileURLToPath } from 'node:url';
import { migrate } from '@rail/db';
import { outboxMigrationsDir } from '@rail/messaging';

export const authMigrationsDir = fileURLToPath(new URL('../../src/db/migrations', import.meta.url));
export const authMigrationDirs = [authMigrationsDir, outboxMigrationsDir];

export function migrateAuthDatabase(databaseUrl: string): Promise<string[]> {
  return migrate(databaseUrl, authMigrationDirs);
}
