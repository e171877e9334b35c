/** Migrates payment_db (its own tables and the outbox) and exits: `node dist/migrate.js` or `npm run migrate -w @rail/payment`. */
import { runMigrationEntry } from '@rail/db';
import { loadPaymentConfig } from './config.js';
import { allMigrationDirs } from './db/migrations-dir.js';

await runMigrationEntry(import.meta.url, { service: 'payment', dirs: allMigrationDirs, loadConfig: loadPaymentConfig });
