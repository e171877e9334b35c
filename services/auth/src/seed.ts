/**
 * Process entry for `npm run seed` (scripts/seed.mjs): migrates auth_db and, outside production, creates the
 * operator account admin@example.com (see use-cases/seed-admin.ts). With NODE_ENV=production it skips it.
 */
import { createPool } from '@rail/db';
import { loadAuthConfig } from './config.js';
import { migrateAuthDatabase } from './db/migrate-database.js';
import { createPasswordHasher } from './security/passwords.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, seedAdmin } from './use-cases/seed-admin.js';

if (process.env.NODE_ENV === 'production') {
  console.warn('seed auth: NODE_ENV=production, no admin account seeded (its password is public)');
} else {
  const config = loadAuthConfig();
  await migrateAuthDatabase(config.DATABASE_URL);
  const pool = createPool(config.DATABASE_URL, { max: 1, applicationName: 'auth:seed' });
  try {
    const passwords = await createPasswordHasher({ memoryKiB: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST });
    const { created } = await seedAdmin(pool, {
      nodeEnv: process.env.NODE_ENV,
      passwordHash: await passwords.hash(ADMIN_PASSWORD),
    });
    console.warn(`seed auth: admin account ${ADMIN_EMAIL} ${created ? 'created' : 'already there'} (role admin)`);
  } finally {
    await pool.end();
  }
}
