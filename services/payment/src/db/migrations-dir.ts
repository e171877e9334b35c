/**
 * Where the SQL migrations live. Resolved from the package root so the same path works from src/ (tsx, tests)
 * and from dist/ (production): tsc does not copy .sql files, the image ships src/db/migrations as they are.
 */
import { fileURLToPath } from 'node:url';
import { outboxMigrationsDir } from '@rail/messaging';

export const migrationsDir = fileURLToPath(new URL('../../src/db/migrations', import.meta.url));

/** The service's own migrations plus the outbox tables, in the order they apply. */
export const allMigrationDirs = [migrationsDir, outboxMigrationsDir];
