/** Applies the payment database's migrations (its own and the outbox's) and exits; used by scripts and deploys. */
import { migrate } from '@rail/db';
import { createLogger } from '@rail/logger';
import { loadPaymentConfig } from './config.js';
import { allMigrationDirs } from './db/migrations-dir.js';

const config = loadPaymentConfig();
const logger = createLogger({ service: 'payment', level: config.LOG_LEVEL });
try {
  await migrate(config.DATABASE_URL, allMigrationDirs, { log: (message) => logger.info(message) });
  logger.info('payment database migrated');
} catch (err) {
  logger.fatal({ err }, 'migration failed');
  process.exitCode = 1;
}
