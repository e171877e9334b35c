// `npm run migrate [-- --source] [service ...]`: applies every service's database migrations by running
// its own migrate entry (services/<svc>/src/migrate.ts, built to dist/migrate.js) with the same
// environment the native run gives the service. Built output by default; --source runs the TypeScript
// through tsx (no build needed). A service without a database (notification) has nothing to migrate; one
// with a database but no migrate entry is an error. Runs through tsx itself (`node --import tsx`): the
// topology is TypeScript.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, SERVICES, serviceEnv } from '../system/topology.ts';

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
 * Migrates the given (default: every) service with a database. `envFor(spec)` gives each service's
 * environment (default: the native development environment). Returns the names of the migrated services.
 */
export async function migrateAll({ services, source = false, envFor, log = console.log } = {}) {
  const migrated = [];
  for (const spec of SERVICES) {
    if (services && !services.includes(spec.name)) continue;
    if (!spec.database) continue;
    const command = entryCommand(spec.name, 'migrate', { source });
    if (!command) {
      const where = source ? `src/migrate.ts` : `dist/migrate.js (run npm run build, or pass --source)`;
      throw new Error(`${spec.name} has a database but no ${where}`);
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
