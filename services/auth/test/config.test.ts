import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { exportPKCS8, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_MAX_AGE_SECONDS } from '@rail/auth-verify';
import { ConfigError } from '@rail/config';
import { loadAuthConfig } from '../src/config.js';

const production = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/auth_db',
  REDIS_URL: 'redis://127.0.0.1:6379',
  AMQP_URL: 'amqp://rail:secret@broker:5672',
  OTP_PEPPER: 'a-production-pepper-of-at-least-32-characters',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadAuthConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return [];
}

describe('loadAuthConfig', () => {
  it('needs nothing in development and uses the documented defaults', () => {
    const config = loadAuthConfig({});
    expect(config).toMatchObject({
      PORT: 3001,
      REDIS_KEY_PREFIX: 'auth:',
      AUTH_ISSUER: 'rail-auth',
      AUTH_AUDIENCE: 'rail',
      OTP_DEV_ECHO: false,
    });
    expect(config.DATABASE_URL).toMatch(/\/auth_db$/);
  });

  it('refuses production without a signing key (it is never generated into the database there)', () => {
    expect(problems(production)).toEqual([
      expect.stringMatching(/^AUTH_PRIVATE_KEY .* or AUTH_PRIVATE_KEY_FILE .* is required in production/),
    ]);
  });

  it('takes the key from a file in production, but not from both places at once', () => {
    expect(loadAuthConfig({ ...production, AUTH_PRIVATE_KEY_FILE: '/run/secrets/auth-key' }).AUTH_PRIVATE_KEY_FILE).toBe(
      '/run/secrets/auth-key',
    );
    expect(problems({ ...production, AUTH_PRIVATE_KEY_FILE: '/run/secrets/auth-key', AUTH_PRIVATE_KEY: 'x' })).toEqual([
      'Set AUTH_PRIVATE_KEY or AUTH_PRIVATE_KEY_FILE, not both',
    ]);
  });

  it('refuses an access-token lifetime the verifiers would cut short (their maximum token age)', () => {
    expect(problems({ ACCESS_TOKEN_TTL_SECONDS: '3600' })).toEqual([expect.stringMatching(/^ACCESS_TOKEN_TTL_SECONDS=/)]);
    expect(loadAuthConfig({ ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TOKEN_MAX_AGE_SECONDS) }).ACCESS_TOKEN_TTL_SECONDS).toBe(
      ACCESS_TOKEN_MAX_AGE_SECONDS,
    );
  });

  it('refuses OTP_DEV_ECHO=true in production', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const env = { ...production, AUTH_PRIVATE_KEY: await exportPKCS8(privateKey), OTP_DEV_ECHO: 'true' };
    expect(problems(env)).toEqual([expect.stringMatching(/^OTP_DEV_ECHO=true is refused in production/)]);
  });

  it('refuses production without its secrets instead of using the development defaults', () => {
    const found = problems({ NODE_ENV: 'production' });
    for (const name of ['DATABASE_URL', 'REDIS_URL', 'AMQP_URL', 'OTP_PEPPER'])
      expect(found.some((p) => p.startsWith(`${name} is required`))).toBe(true);
  });

  it('refuses the public development OTP_PEPPER in production, even when set explicitly', () => {
    const env = {
      ...production,
      AUTH_PRIVATE_KEY_FILE: '/run/secrets/auth-key',
      OTP_PEPPER: 'development-otp-pepper-not-for-production!',
    };
    expect(problems(env)).toEqual([expect.stringMatching(/^OTP_PEPPER is the public development default/)]);
  });

  it('accepts a complete production configuration', async () => {
    const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    expect(loadAuthConfig({ ...production, AUTH_PRIVATE_KEY: await exportPKCS8(privateKey) }).NODE_ENV).toBe('production');
  });
});

describe('the server process', () => {
  it('refuses to start in production without a signing key', () => {
    const server = fileURLToPath(new URL('../src/server.ts', import.meta.url));
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=@rail/source', server], {
      env: { PATH: process.env.PATH, ...production, PORT: '0' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/AUTH_PRIVATE_KEY .* or AUTH_PRIVATE_KEY_FILE .* is required in production/);
  });
});
