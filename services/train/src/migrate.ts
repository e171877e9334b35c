/**
 * Migrations of train_db. As a process entry (`node dist/migrate.js`) it migrates and exits, so scripts can
 * migrate without starting the server.
 */
import { fileURLToPath } from 'node:url';
import { migrate } from '@rail/db';

/** The SQL migrations, read from src/ both when running sources and the built dist/ (SQL is not compiled). */
export const migrationsDir = fileURLToPath(new URL('../src/db/migrations', import.meta.url));

export async function migrateTrainDatabase(databaseUrl: string, log?: (message: string) => void): Promise<string[]> {
  return migrate(databaseUrl, migrationsDir, { log });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { loadTrainConfig } = await import('./config.js');
  const { createLogger } = await import('@rail/logger');
  const config = loadTrainConfig();
  const logger = createLogger({ service: 'train', level: config.LOG_LEVEL });
  const applied = await migrateTrainDatabase(config.DATABASE_URL, (m) => logger.info(m));
  logger.info({ applied: applied.length }, 'train_db is migrated');
}
