/**
 * train_db's migrations. Run as `node dist/migrate.js` (or `npm run migrate -w @rail/train`) it applies them and
 * exits, so scripts can migrate without starting the server; imported, it only gives the directory.
 */
import { fileURLToPath } from 'node:url';
import { migrate, runMigrationEntry } from '@rail/db';
import { loadTrainConfig } from './config.js';

/** Read from src/ both when running sources and the built dist/ (tsc does not copy SQL). */
export const migrationsDir = fileURLToPath(new URL('../src/db/migrations', import.meta.url));

export async function migrateTrainDatabase(databaseUrl: string, log?: (message: string) => void): Promise<string[]> {
  return migrate(databaseUrl, migrationsDir, { log });
}

await runMigrationEntry(import.meta.url, { service: 'train', dirs: migrationsDir, loadConfig: loadTrainConfig });
