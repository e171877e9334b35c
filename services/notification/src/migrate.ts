/** Migrates notification_db (issued e-tickets, sent-message markers) and exits: `node dist/migrate.js` or `npm run migrate -w @rail/notification`. */
import { runMigrationEntry } from '@rail/db';
import { loadNotificationConfig } from './config.js';
import { migrationsDir } from './db/migrations-dir.js';

await runMigrationEntry(import.meta.url, { service: 'notification', dirs: migrationsDir, loadConfig: loadNotificationConfig });
