/**
 * Test harness: the real auth app (buildApp) over a fresh, migrated database and a random Redis key prefix,
 * with cheap argon2 parameters and tight limits so lockouts are reachable in a few requests.
 */
import { randomBytes } from 'node:crypto';
import { createPool, createTestDatabase, type Pool, type TestDatabase } from '@rail/db';
import type { App } from '@rail/http';
import { createLogger } from '@rail/logger';
import type { Redis } from '@rail/redis';
import { buildApp, type AppDeps } from '../src/app.js';
import { loadAuthConfig, type AuthConfig } from '../src/config.js';
import { authMigrationDirs } from '../src/db/migrate-database.js';
import { createAccessTokenIssuer } from '../src/security/access-tokens.js';
import { AttemptLimiter, createAttemptRedis } from '../src/security/attempt-limiter.js';
import { createPasswordHasher } from '../src/security/passwords.js';
import { loadSigningKeys } from '../src/security/signing-keys.js';

export interface TestContext {
  app: App;
  deps: AppDeps;
  config: AuthConfig;
  pool: Pool;
  redis: Redis;
  database: TestDatabase;
  close: () => Promise<void>;
}

export const TEST_PASSWORD = 'Rail-Test#2026';

export async function untilReady(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
}

export async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}

export async function createTestContext(env: Record<string, string> = {}, database?: TestDatabase): Promise<TestContext> {
  const db = database ?? (await createTestDatabase('auth', authMigrationDirs));
  const prefix = `test:auth:${randomBytes(6).toString('hex')}:`;
  const config = loadAuthConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    REDIS_KEY_PREFIX: prefix,
    ARGON2_MEMORY_KIB: '4096',
    ARGON2_TIME_COST: '1',
    LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
    LOGIN_MAX_FAILURES_PER_ADDRESS: '6',
    ...env,
  });
  const logger = createLogger({ service: 'auth', level: 'silent' });
  const pool = createPool(config.DATABASE_URL, { max: 5 });
  const redis = createAttemptRedis(config.REDIS_URL, 'auth:test');
  // Without an offline queue, commands sent before the connection is up fail: wait for it, as readiness does.
  await untilReady(redis);
  const keys = await loadSigningKeys(config, pool);
  const deps: AppDeps = {
    config,
    logger,
    pool,
    redis,
    keys,
    passwords: await createPasswordHasher({ memoryKiB: config.ARGON2_MEMORY_KIB, timeCost: config.ARGON2_TIME_COST }),
    limiter: new AttemptLimiter(redis, prefix),
    issueAccessToken: createAccessTokenIssuer(keys, {
      issuer: config.AUTH_ISSUER,
      audience: config.AUTH_AUDIENCE,
      ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    }),
  };
  const app = await buildApp(deps);
  await app.ready();
  return {
    app,
    deps,
    config,
    pool,
    redis,
    database: db,
    close: async () => {
      await app.close();
      await deleteKeys(redis, prefix);
      redis.disconnect();
      await pool.end();
      if (!database) await db.drop();
    },
  };
}

let phoneCounter = 0;
/** A distinct valid mobile number per call within a test file (random block, so files never collide). */
export function uniquePhone(): string {
  const block = Number.parseInt(randomBytes(2).toString('hex'), 16) % 1000;
  phoneCounter += 1;
  return `0171${String(block).padStart(3, '0')}${String(phoneCounter).padStart(4, '0')}`;
}

export function registration(overrides: Partial<Record<'name' | 'email' | 'phone' | 'password', string>> = {}) {
  const id = randomBytes(4).toString('hex');
  return { name: 'Rahim Uddin', email: `rahim.${id}@example.com`, phone: uniquePhone(), password: TEST_PASSWORD, ...overrides };
}

export async function registerAndLogin(app: App, overrides: Parameters<typeof registration>[0] = {}) {
  const body = registration(overrides);
  const reg = await app.inject({ method: 'POST', url: '/api/auth/register', payload: body });
  if (reg.statusCode !== 201) throw new Error(`register failed: ${reg.statusCode} ${reg.body}`);
  const login = await app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: body.email, password: body.password },
  });
  if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
  return { body, tokens: login.json() as { token: string; refreshToken: string; user: { id: string; phone: string } } };
}
