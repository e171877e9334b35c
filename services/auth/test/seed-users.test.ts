import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasswordHasher } from '../src/security/passwords.js';
import { SEED_PASSWORD, seedPhone, seedUsers } from '../src/use-cases/seed-users.js';
import { normalizePhone } from '../src/domain/identity.js';
import { createTestContext, type TestContext } from './helpers.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('seedUsers', () => {
  it('creates userN@test.com accounts with distinct valid phones, idempotently, that can sign in', async () => {
    const hasher = await createPasswordHasher({ memoryKiB: ctx.config.ARGON2_MEMORY_KIB, timeCost: ctx.config.ARGON2_TIME_COST });
    const passwordHash = await hasher.hash(SEED_PASSWORD);
    expect(await seedUsers(ctx.pool, { count: 250, passwordHash, batchSize: 100 })).toEqual({ inserted: 250 });
    expect(await seedUsers(ctx.pool, { count: 300, passwordHash, batchSize: 100 })).toEqual({ inserted: 50 });

    const { rows } = await ctx.pool.query('SELECT count(DISTINCT phone)::int AS phones, count(*)::int AS users FROM users');
    expect(rows[0]).toEqual({ phones: 300, users: 300 });
    expect(normalizePhone(seedPhone(300))).toBe(seedPhone(300));

    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { email: 'user300@test.com', password: SEED_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ name: 'Test User 300', phone: '+8801900000300' });
  });

  it('refuses a count out of range', async () => {
    await expect(seedUsers(ctx.pool, { count: 0, passwordHash: 'x' })).rejects.toThrow(RangeError);
  });
});

describe('npm run seed:users', () => {
  it('refuses to run with NODE_ENV=production', () => {
    const script = fileURLToPath(new URL('../../../scripts/seed-users.mjs', import.meta.url));
    const result = spawnSync(process.execPath, [script, '--count', '5'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: ctx.config.DATABASE_URL },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/refusing to run with NODE_ENV=production/);
  });

  it('seeds the given database from the command line', () => {
    const script = fileURLToPath(new URL('../../../scripts/seed-users.mjs', import.meta.url));
    const result = spawnSync(process.execPath, [script, '--count', '310'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'development', DATABASE_URL: ctx.config.DATABASE_URL },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr).toMatch(/seed:users: 10 new of 310/);
    expect(result.status).toBe(0);
  });
});
