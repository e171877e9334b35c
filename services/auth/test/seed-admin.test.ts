/**
 * The operator account (issue 11): seeded outside production only, idempotently; its access tokens carry
 * `roles: ["admin"]` through login and refresh, and verify with those roles in another service; a traveller's
 * tokens carry no roles; the database refuses a role nobody knows.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authVerify, requireUser } from '@rail/auth-verify';
import { createApp } from '@rail/http';
import { createLogger } from '@rail/logger';
import { createPasswordHasher } from '../src/security/passwords.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, ADMIN_PHONE, SeedRefusedError, seedAdmin } from '../src/use-cases/seed-admin.js';
import { createTestContext, registerAndLogin, type TestContext } from './helpers.js';

let ctx: TestContext;
let jwksUrl: string;
beforeAll(async () => {
  ctx = await createTestContext();
  await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const address = ctx.app.server.address();
  if (!address || typeof address === 'string') throw new Error('auth did not listen on a port');
  jwksUrl = `http://127.0.0.1:${address.port}/api/auth/.well-known/jwks.json`;
});
afterAll(() => ctx.close());

const login = (email: string, password: string) =>
  ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });

describe('seedAdmin', () => {
  it('says so when the operator phone belongs to another account, instead of seeding nobody quietly', async () => {
    const other = await createTestContext();
    try {
      await other.pool.query(
        `INSERT INTO users (name, email, phone, password_hash) VALUES ('Someone', 'someone@example.com', $1, 'x')`,
        [ADMIN_PHONE],
      );
      await expect(seedAdmin(other.pool, { nodeEnv: 'test', passwordHash: 'x' })).rejects.toThrow(/belongs to another account/);
    } finally {
      await other.close();
    }
  });

  it('refuses production and changes nothing', async () => {
    await expect(seedAdmin(ctx.pool, { nodeEnv: 'production', passwordHash: 'x' })).rejects.toBeInstanceOf(SeedRefusedError);
    const { rows } = await ctx.pool.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [ADMIN_EMAIL]);
    expect(rows[0].n).toBe(0);
  });

  it('creates the operator once; its tokens carry the admin role through login and refresh and verify elsewhere', async () => {
    const hasher = await createPasswordHasher({ memoryKiB: ctx.config.ARGON2_MEMORY_KIB, timeCost: ctx.config.ARGON2_TIME_COST });
    const passwordHash = await hasher.hash(ADMIN_PASSWORD);
    expect(await seedAdmin(ctx.pool, { nodeEnv: 'test', passwordHash })).toEqual({ created: true });
    expect(await seedAdmin(ctx.pool, { nodeEnv: 'test', passwordHash: 'another' })).toEqual({ created: false });
    const { rows } = await ctx.pool.query('SELECT roles, password_hash = $2 AS kept FROM users WHERE email = $1', [
      ADMIN_EMAIL,
      passwordHash,
    ]);
    expect(rows).toEqual([{ roles: ['admin'], kept: true }]);

    const res = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(res.statusCode).toBe(200);
    const { token, refreshToken } = res.json() as { token: string; refreshToken: string };
    expect(decodeJwt(token).roles).toEqual(['admin']);
    // The public view of the account does not grow a roles field.
    expect(res.json().user).not.toHaveProperty('roles');

    const refreshed = await ctx.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: { refreshToken } });
    expect(refreshed.statusCode).toBe(200);
    expect(decodeJwt(refreshed.json().token as string).roles).toEqual(['admin']);

    const other = await createApp({
      service: 'demo',
      apiPrefix: '/api/demo',
      logger: createLogger({ service: 'demo', level: 'silent' }),
    });
    await other.register(authVerify, {
      issuer: ctx.config.AUTH_ISSUER,
      audience: ctx.config.AUTH_AUDIENCE,
      jwksUrl,
      nodeEnv: 'production',
    });
    other.get('/api/demo/me', { onRequest: other.authenticate }, async (request) => ({ user: requireUser(request) }));
    try {
      const verified = await other.inject({ url: '/api/demo/me', headers: { authorization: `Bearer ${token}` } });
      expect(verified.statusCode).toBe(200);
      expect(verified.json().user.roles).toEqual(['admin']);
    } finally {
      await other.close();
    }
  });

  it('gives an existing account with that e-mail the role, keeping its password', async () => {
    await ctx.pool.query('UPDATE users SET roles = $2 WHERE email = $1', [ADMIN_EMAIL, []]);
    expect(await seedAdmin(ctx.pool, { nodeEnv: 'development', passwordHash: 'unused' })).toEqual({ created: false });
    const res = await login(ADMIN_EMAIL, ADMIN_PASSWORD);
    expect(res.statusCode).toBe(200);
    expect(decodeJwt(res.json().token as string).roles).toEqual(['admin']);
  });

  it("a traveller's token carries no roles, and no unknown role can be stored", async () => {
    const { tokens } = await registerAndLogin(ctx.app);
    expect(decodeJwt(tokens.token)).not.toHaveProperty('roles');
    await expect(ctx.pool.query("UPDATE users SET roles = ARRAY['root'] WHERE id = $1", [tokens.user.id])).rejects.toThrow(
      /users_roles_known/,
    );
  });
});

describe('npm run seed -- auth', () => {
  const script = fileURLToPath(new URL('../../../scripts/seed.mjs', import.meta.url));

  it('seeds the operator into the given database, and not in production', () => {
    const env = {
      PATH: process.env.PATH,
      DATABASE_URL: ctx.config.DATABASE_URL,
      ARGON2_MEMORY_KIB: '4096',
      ARGON2_TIME_COST: '1',
    };
    const prod = spawnSync(process.execPath, [script, 'auth'], {
      env: { ...env, NODE_ENV: 'production' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(prod.status).toBe(0);
    expect(prod.stderr).toMatch(/no admin account seeded/);

    const dev = spawnSync(process.execPath, [script, 'auth'], {
      env: { ...env, NODE_ENV: 'development' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(dev.stderr).toMatch(/admin account admin@example.com (created|already there)/);
    expect(dev.status).toBe(0);
  });

  it('refuses a service it has no seed for', () => {
    const res = spawnSync(process.execPath, [script, 'nope'], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/no seed for nope/);
  });
});
