/**
 * `npm run seed:users -- --count 10000`: creates the load-test accounts in auth_db (see use-cases/seed-users.ts).
 * Refuses to run with NODE_ENV=production: these accounts share a published password.
 */
import { parseArgs } from 'node:util';
import { createPool } from '@rail/db';
import { loadAuthConfig } from './config.js';
import { migrateAuthDatabase } from './db/migrate-database.js';
import { createPasswordHasher } from './security/passwords.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, seedAdmin } from './use-cases/seed-admin.js';
import { MAX_SEED_USERS, SEED_PASSWORD, seedEmail, seedUsers } from './use-cases/seed-users.js';

function fail(message: string): never {
  console.error(`seed:users: ${message}`);
  process.exit(1);
}

if (process.env.NODE_ENV === 'production') fail('refusing to run with NODE_ENV=production (the seeded password is public)');

const { values } = parseArgs({ options: { count: { type: 'string', short: 'n', default: '1000' } }, strict: true });
const count = Number(values.count);
if (!Number.isInteger(count) || count < 1 || count > MAX_SEED_USERS)
  fail(`--count must be an integer from 1 to ${MAX_SEED_USERS}`);

const config = loadAuthConfig();
const started = performance.now();
await migrateAuthDatabase(config.DATABASE_URL);
const pool = createPool(config.DATABASE_URL, { max: 1, applicationName: 'auth:seed-users', statementTimeoutMs: 120_000 });
try {
  const passwords = await createPasswordHasher({ memoryKiB: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST });
  const { inserted } = await seedUsers(pool, { count, passwordHash: await passwords.hash(SEED_PASSWORD) });
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  // The operator account too (load-testing/lib/room.mjs signs in as it); this script already refuses production.
  await seedAdmin(pool, { nodeEnv: process.env.NODE_ENV, passwordHash: await passwords.hash(ADMIN_PASSWORD) });
  console.warn(
    `seed:users: ${inserted} new of ${count} (${seedEmail(1)} .. ${seedEmail(count)}, password "${SEED_PASSWORD}") in ${seconds} s; operator ${ADMIN_EMAIL}`,
  );
} finally {
  await pool.end();
}
