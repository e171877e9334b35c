/**
 * PostgreSQL access shared by every service: a pool, database creation, migrations (node-pg-migrate,
 * plain SQL files per service) and transactions. Each service owns one database and never reads another's.
 */
export {
  createPool,
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  type CreatePoolOptions,
  type Pool,
  type PoolClient,
  type Queryable,
} from './pool.js';
export { ensureDatabase, dropDatabase, databaseName } from './database.js';
export { migrate } from './migrate.js';
export { isProcessEntry, runMigrationEntry, type MigrationEntryOptions } from './migration-entry.js';
export { withTransaction } from './transaction.js';
export { createTestDatabase, type TestDatabase } from './testing.js';
