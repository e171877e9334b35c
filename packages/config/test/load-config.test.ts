import { describe, expect, it } from 'vitest';
import { ConfigError, Type, baseConfigProperties, devDefault, devSecret, loadConfig } from '@rail/config';

const schema = Type.Object({
  ...baseConfigProperties,
  PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 3000 }),
  DATABASE_URL: devDefault(Type.String({ pattern: '^postgres(ql)?://' }), 'postgres://postgres@127.0.0.1:5432/x'),
  FEATURE: Type.Boolean({ default: false }),
});

describe('loadConfig', () => {
  it('applies defaults and converts types', () => {
    const config = loadConfig('svc', schema, { PORT: '4000', FEATURE: 'true' });
    expect(config).toMatchObject({ PORT: 4000, FEATURE: true, NODE_ENV: 'development', LOG_LEVEL: 'info' });
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/x');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every offending variable in one error', () => {
    let error: unknown;
    try {
      loadConfig('svc', schema, { PORT: 'abc', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT="abc"');
    expect(message).toContain('LOG_LEVEL="loud"');
    expect(message).toContain('DATABASE_URL="mysql://x"');
    expect((error as ConfigError).problems).toHaveLength(3);
  });

  it('requires development-only defaults in production', () => {
    expect(() => loadConfig('svc', schema, { NODE_ENV: 'production' })).toThrow(/DATABASE_URL is required in production/);
    const config = loadConfig('svc', schema, { NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x' });
    expect(config.DATABASE_URL).toBe('postgres://db/x');
  });

  it("refuses a secret's public development value in production, even when set explicitly", () => {
    const withSecret = Type.Object({
      INTERNAL_API_TOKEN: devSecret(Type.String({ minLength: 16 }), 'dev-internal-token-change-me'),
      REDIS_URL: devDefault(Type.String(), 'redis://127.0.0.1:6379'),
    });
    expect(loadConfig('svc', withSecret, {}).INTERNAL_API_TOKEN).toBe('dev-internal-token-change-me');
    expect(() => loadConfig('svc', withSecret, { NODE_ENV: 'production', REDIS_URL: 'redis://r' })).toThrow(
      /INTERNAL_API_TOKEN is required in production/,
    );
    expect(() =>
      loadConfig('svc', withSecret, {
        NODE_ENV: 'production',
        REDIS_URL: 'redis://r',
        INTERNAL_API_TOKEN: 'dev-internal-token-change-me',
      }),
    ).toThrow(/INTERNAL_API_TOKEN is the public development default; production needs a secret of its own/);
    // A URL equal to its development default is a deployment choice, not a leaked secret.
    const config = loadConfig('svc', withSecret, {
      NODE_ENV: 'production',
      REDIS_URL: 'redis://127.0.0.1:6379',
      INTERNAL_API_TOKEN: 'a-per-deployment-secret-0123456789',
    });
    expect(config.INTERNAL_API_TOKEN).toBe('a-per-deployment-secret-0123456789');
  });

  it('rejects an out-of-range port', () => {
    expect(() => loadConfig('svc', schema, { PORT: '70000' })).toThrow(
      /PORT="70000" is invalid \(expected an integer from 1 to 65535\)/,
    );
  });
});
