import { describe, expect, it } from 'vitest';
import { ConfigError, Type, baseConfigProperties, devDefault, loadConfig } from '@rail/config';

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

  it('rejects an out-of-range port', () => {
    expect(() => loadConfig('svc', schema, { PORT: '70000' })).toThrow(
      /PORT="70000" is invalid \(expected an integer from 1 to 65535\)/,
    );
  });
});
