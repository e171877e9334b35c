/**
 * booking_db's migrations (its own and the outbox's). Run as `node dist/migrate.js` (or `npm run migrate -w
 * @rail/booking`) it applies them and exits; imported, it only gives the directories.
 */
import { fileURLToPath } from 'node:url';
import { runMigrationEntry } from '@rail/db';
import { outboxMigrationsDir } from '@rail/messaging';
import { loadBookingConfig } from './config.js';

/** Read from src/ both when running sources and the built dist/ (tsc does not copy SQL). */
export const migrationsDir = fileURLToPath(new URL('../src/db/migrations', import.meta.url));
export const migrationDirs = [migrationsDir, outboxMigrationsDir];

await runMigrationEntry(import.meta.url, { service: 'booking', dirs: migrationDirs, loadConfig: loadBookingConfig });
