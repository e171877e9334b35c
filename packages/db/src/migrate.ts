/**
 * Applies a service's SQL migrations (files `NNNN_name.sql` with `-- Up Migration` / `-- Down Migration`
 * sections) with node-pg-migrate. It takes an advisory lock, so replicas starting together migrate once.
 */
import { runner } from 'node-pg-migrate';
import { ensureDatabase } from './database.js';

export interface MigrateOptions {
  /** Called with each applied migration's name. */
  log?: (message: string) => void;
}

/** Escapes glob syntax in a literal directory path. */
function globEscape(path: string): string {
  return path.replace(/[*?[\]{}()!+@\\]/g, '\\$&');
}

/**
 * Several directories (a service's own and the outbox's) are read through node-pg-migrate's glob mode, which
 * alone accepts a list; their files are applied together in the order of their numeric prefixes.
 */
function dirOptions(dir: string | string[]): { dir: string | string[]; useGlob?: boolean } {
  if (!Array.isArray(dir)) return { dir };
  return { dir: dir.map((d) => `${globEscape(d.replace(/\/+$/, ''))}/*.sql`), useGlob: true };
}

export async function migrate(connectionString: string, dir: string | string[], options: MigrateOptions = {}): Promise<string[]> {
  await ensureDatabase(connectionString);
  const applied = await withLockRetry(() =>
    runner({
      databaseUrl: connectionString,
      ...dirOptions(dir),
      direction: 'up',
      migrationsTable: 'pgmigrations',
      count: Infinity,
      singleTransaction: true,
      checkOrder: true,
      verbose: false,
      log: () => undefined,
    }),
  );
  const names = applied.map((m) => m.name);
  for (const name of names) options.log?.(`applied migration ${name}`);
  return names;
}

/** node-pg-migrate refuses (rather than waits) while another process holds its lock: wait and retry. */
async function withLockRetry<T>(fn: () => Promise<T>, attempts = 100): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const locked = err instanceof Error && /another migration is already running/i.test(err.message);
      if (!locked || attempt >= attempts) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 100));
    }
  }
}
