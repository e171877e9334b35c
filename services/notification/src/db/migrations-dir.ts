/**
 * Where notification_db's SQL migrations live. Resolved from the package root so the same path works from
 * src/ (tsx, tests) and from dist/ (production): tsc does not copy .sql files, the image ships src/ as it is.
 */
import { fileURLToPath } from 'node:url';

export const migrationsDir = fileURLToPath(new URL('../../src/db/migrations', import.meta.url));
