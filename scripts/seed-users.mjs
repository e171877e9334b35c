#!/usr/bin/env node
// `npm run seed:users -- --count 10000`: load-test accounts user1@test.com .. userN@test.com (password
// "password123") in auth_db. Runs the auth service's seeder from its TypeScript sources, so no build is needed.
// Refuses NODE_ENV=production. Environment: DATABASE_URL of auth_db (default postgres://postgres@127.0.0.1:5432/auth_db).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

if (process.env.NODE_ENV === 'production') {
  console.error('seed:users: refusing to run with NODE_ENV=production (the seeded password is public)');
  process.exit(1);
}
const entry = fileURLToPath(new URL('../services/auth/src/seed-users.ts', import.meta.url));
const result = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@rail/source', entry, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { LOG_LEVEL: 'warn', ...process.env },
});
process.exit(result.status ?? 1);
