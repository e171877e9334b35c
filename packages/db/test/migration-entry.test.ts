/** runMigrationEntry: the shared body of every service's migrate.ts, run as a real process against PostgreSQL. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@rail/db';

const entry = fileURLToPath(new URL('./fixtures/migrate-entry.ts', import.meta.url));
const migrations = fileURLToPath(new URL('./migrations', import.meta.url));
const extraMigrations = fileURLToPath(new URL('./migrations-extra', import.meta.url));
const databases: TestDatabase[] = [];

afterAll(async () => {
  await Promise.all(databases.map((d) => d.drop()));
});

function runEntry(env: Record<string, string | undefined>) {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@rail/source', entry], {
    env: { ...process.env, DATABASE_URL: undefined, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  const lines = child.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { service: string; level: string; msg: string; applied?: number; err?: { message: string } });
  return { status: child.status, lines, stderr: child.stderr };
}

describe('runMigrationEntry', () => {
  it('as the process entry, applies every directory, logs each migration and exits 0; a second run applies none', async () => {
    const db = await createTestDatabase('dbentry');
    databases.push(db);
    const first = runEntry({ DATABASE_URL: db.url, FIXTURE_DIRS: `${migrations},${extraMigrations}` });
    expect(first.status).toBe(0);
    expect(first.lines.map((l) => l.msg)).toEqual([
      'applied migration 0000_gadgets',
      'applied migration 0001_widgets',
      'database migrated',
    ]);
    expect(first.lines.every((l) => l.service === 'fixture')).toBe(true);
    expect(first.lines.at(-1)?.applied).toBe(2);
    expect(JSON.stringify(first.lines)).not.toContain('postgres://');

    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY name');
      expect(rows.map((r) => r.name)).toEqual(['0000_gadgets', '0001_widgets']);
    } finally {
      await client.end();
    }

    const again = runEntry({ DATABASE_URL: db.url, FIXTURE_DIRS: `${migrations},${extraMigrations}` });
    expect(again.status).toBe(0);
    expect(again.lines.map((l) => [l.msg, l.applied])).toEqual([['database migrated', 0]]);
  });

  it('logs a fatal line and exits 1 when the database cannot be reached', () => {
    const run = runEntry({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere', FIXTURE_DIRS: migrations });
    expect(run.status).toBe(1);
    expect(run.lines.at(-1)).toMatchObject({ level: 'fatal', msg: 'migration failed', service: 'fixture' });
  });

  it('exits 1 with the configuration error when the config does not load', () => {
    const run = runEntry({ FIXTURE_DIRS: migrations });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('fixture: DATABASE_URL is required');
  });

  it('does nothing when the module is only imported (for its directories)', async () => {
    const before = process.exitCode;
    const module = (await import('./fixtures/migrate-entry.js')) as { dirs: string[] };
    expect(Array.isArray(module.dirs)).toBe(true);
    expect(process.exitCode).toBe(before);
  });
});
