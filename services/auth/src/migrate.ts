/** Migrates auth_db (its own tables and the outbox) and exits: `node dist/migrate.js` or `npm run migrate -w @rail/auth`. */
import { runMigrationEntry } from '@rail/db';
import { loadAuthConfig } from './config.js';
import { authMigrationDirs } from './db/migrate-database.js';

await runMigrationEntry(import.meta.url, { service: 'auth', dirs: authMigrationDirs, loadConfig: loadAuthConfig });
