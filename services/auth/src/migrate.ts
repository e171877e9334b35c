/** Migrates auth_db (own tables and the outbox) and exits: `node dist/migrate.js` or `npm run migrate -w @rail/auth`. */
import { loadAuthConfig } from './config.js';
import { migrateAuthDatabase } from './db/migrate-database.js';

const config = loadAuthConfig();
const applied = await migrateAuthDatabase(config.DATABASE_URL);
console.warn(applied.length > 0 ? `auth: applied ${applied.join(', ')}` : 'auth: database is up to date');
