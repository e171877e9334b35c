#!/usr/bin/env node
// `npm run seed`: loads each service's seed data (idempotent: safe to run again; on a later day it only adds
// the new days' trips). Runs the TypeScript sources through tsx when tsx is installed (a development
// checkout, so edits count without a build), else the built dist/ entry (a production image).
// Environment variables pass through (DATABASE_URL, SALES_WINDOW_DAYS, ...). With service names as arguments
// (`node scripts/seed.mjs train`) only those are seeded: a caller that sets one service's DATABASE_URL seeds
// that service alone, so no seed ever writes into another service's database.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const allSeeds = [
  { service: 'train', entry: 'seed' },
  { service: 'auth', entry: 'seed' }, // outside production: the operator admin@example.com
];
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !allSeeds.some((seed) => seed.service === name));
if (unknown.length > 0) {
  console.error(`seed: no seed for ${unknown.join(', ')} (known: ${allSeeds.map((s) => s.service).join(', ')})`);
  process.exit(2);
}
const seeds = wanted.length === 0 ? allSeeds : allSeeds.filter((seed) => wanted.includes(seed.service));

function hasTsx() {
  try {
    createRequire(join(root, 'package.json')).resolve('tsx');
    return true;
  } catch {
    return false;
  }
}
const useSource = hasTsx();

for (const { service, entry } of seeds) {
  const dir = join(root, 'services', service);
  const built = join(dir, 'dist', `${entry}.js`);
  const source = join(dir, 'src', `${entry}.ts`);
  const args = useSource || !existsSync(built) ? ['--import', 'tsx', '--conditions=@rail/source', source] : [built];
  console.log(`seeding ${service} ...`);
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    console.error(`seeding ${service} failed (exit ${result.status ?? result.signal})`);
    process.exit(result.status ?? 1);
  }
}
console.log('seed complete');
