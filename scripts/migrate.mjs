#!/usr/bin/env node
// `npm run migrate [-- --source] [service ...]`: applies every present service's database migrations by
// running its own migrate entry (services/<svc>/src/migrate.ts, built to dist/migrate.js) with the same
// environment the native run gives the service. Built output by default; --source runs the TypeScript
// through tsx (no build needed). A service that has not landed yet, or has no migrations, is skipped.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, SERVICES, isServicePresent, serviceEnv } from '../gateway/topology.mjs';

/** The command that runs a service entry (`server`, `migrate`) from dist/ or, with source, from src/ via tsx. */
export function entryCommand(service, entry, { source = false, watch = false } = {}) {
  const dir = path.join(ROOT, 'services', service);
  if (source) {
    const file = path.join(dir, 'src', `${entry}.ts`);
    if (!existsSync(file)) return null;
    const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
    return watch
      ? [tsx, 'watch', '--conditions=@rail/source', file]
      : [process.execPath, '--import', 'tsx', '--conditions=@rail/source', file];
  }
  const file = path.join(dir, 'dist', `${entry}.js`);
  return existsSync(file) ? [process.execPath, file] : null;
}

function run(command, env, label) {
  return new Promise((resolve, reject) => {
    const [bin, ...args] = command;
    const child = spawn(bin, args, { cwd: ROOT, env, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${label} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/**
 * Migrates the given (default: every present) service with a database. `envFor(spec)` gives each service's
 * environment (default: the native development environment). Returns the names of the migrated services.
 */
export async function migrateAll({ services, source = false, envFor, log = console.log } = {}) {
  const migrated = [];
  for (const spec of SERVICES) {
    if (services && !services.includes(spec.name)) continue;
    if (!spec.database) continue;
    if (!isServicePresent(spec.name)) {
      log(`! ${spec.name}: not present yet (no services/${spec.name}/src/app.ts); not migrated`);
      continue;
    }
    const command = entryCommand(spec.name, 'migrate', { source });
    if (!command) {
      const where = source ? `src/migrate.ts` : `dist/migrate.js (run npm run build)`;
      log(`! ${spec.name}: no ${where}; not migrated`);
      continue;
    }
    const env = { ...process.env, ...(envFor ? envFor(spec) : serviceEnv(spec, { logLevel: 'warn' })) };
    log(`… migrating ${spec.name} (${new URL(env.DATABASE_URL).pathname.slice(1)})`);
    await run(command, env, `migrating ${spec.name}`);
    migrated.push(spec.name);
  }
  return migrated;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const source = args.includes('--source');
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !SERVICES.some((s) => s.name === n));
  if (unknown.length > 0) {
    console.error(`✗ unknown service(s): ${unknown.join(', ')} (known: ${SERVICES.map((s) => s.name).join(', ')})`);
    process.exit(2);
  }
  try {
    const done = await migrateAll({ services: names.length > 0 ? names : undefined, source });
    console.log(`✓ migrated: ${done.join(', ') || 'nothing'}`);
  } catch (err) {
    console.error(`✗ ${err.message}`);
    process.exit(1);
  }
}
