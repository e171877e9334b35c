/**
 * The body of every service's `src/migrate.ts`. When that module is the process entry (`node dist/migrate.js`,
 * or tsx on the source, as scripts/migrate.mjs runs it) it loads the service's config, applies its migrations,
 * logs each applied migration and the outcome in the same JSON lines as the service, and sets exit code 1 on
 * failure. When the module is only imported (for its migration directories), it does nothing.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@rail/logger';
import { databaseName } from './database.js';
import { migrate } from './migrate.js';

export interface MigrationEntryOptions {
  /** The service name, as in its logs (`service` field). */
  service: string;
  /** The service's migration directories (its own, then the packages' such as the outbox). */
  dirs: string | string[];
  /** The service's config loader; only DATABASE_URL and LOG_LEVEL are used. It may throw on bad configuration. */
  loadConfig: () => { DATABASE_URL: string; LOG_LEVEL?: string };
}

/** True when the module at `moduleUrl` is the script node was started with. */
export function isProcessEntry(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(path.resolve(script));
  } catch {
    return false;
  }
}

/**
 * Runs the migrations if `moduleUrl` (pass `import.meta.url`) is the process entry. Resolves with the applied
 * migrations' names, or undefined when not the entry or on failure (then `process.exitCode` is 1).
 */
export async function runMigrationEntry(moduleUrl: string, options: MigrationEntryOptions): Promise<string[] | undefined> {
  if (!isProcessEntry(moduleUrl)) return undefined;
  let config: ReturnType<MigrationEntryOptions['loadConfig']>;
  try {
    config = options.loadConfig();
  } catch (err) {
    // No logger yet: the log level is part of the configuration that failed.
    console.error(`${options.service}: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
    return undefined;
  }
  const logger = createLogger({ service: options.service, level: config.LOG_LEVEL });
  try {
    const applied = await migrate(config.DATABASE_URL, options.dirs, { log: (message) => logger.info(message) });
    logger.info({ applied: applied.length, database: databaseName(config.DATABASE_URL) }, 'database migrated');
    return applied;
  } catch (err) {
    logger.fatal({ err }, 'migration failed');
    process.exitCode = 1;
    return undefined;
  }
}
