/** The booking service's configuration: development defaults, production refusals. */
import { describe, expect, it } from 'vitest';
import { loadBookingConfig, passKeys } from '../src/config.js';

const prod = {
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://x@db/booking_db',
  REDIS_URL: 'redis://r',
  AMQP_URL: 'amqp://mq',
  TRAIN_SERVICE_URL: 'http://train',
  AUTH_JWKS_URL: 'http://auth/jwks',
  OTP_PEPPER: 'a-long-production-pepper',
  QUEUE_SERVICE_URL: 'http://queue',
  QUEUE_PASS_SECRET: `new:${'n'.repeat(40)},old:${'o'.repeat(40)}`,
};

describe('config', () => {
  it('has working development defaults', () => {
    const config = loadBookingConfig({ NODE_ENV: 'development' });
    expect(config).toMatchObject({ PORT: 3003, HOLD_TTL_SECONDS: 300, REDIS_KEY_PREFIX: 'booking:', OTP_DEV_ECHO: false });
  });

  it('refuses OTP_DEV_ECHO=true in production, and missing secrets there', () => {
    expect(loadBookingConfig(prod).OTP_DEV_ECHO).toBe(false);
    expect(() => loadBookingConfig({ ...prod, OTP_DEV_ECHO: 'true' })).toThrow(/OTP_DEV_ECHO/);
    expect(() => loadBookingConfig({ ...prod, OTP_PEPPER: '' })).toThrow(/OTP_PEPPER is required in production/);
    expect(() => loadBookingConfig({ NODE_ENV: 'development', HOLD_TTL_SECONDS: '0' })).toThrow(/HOLD_TTL_SECONDS/);
  });

  it("takes the waiting room's settings: required in production, the pass keys checked at load", () => {
    const config = loadBookingConfig(prod);
    expect(passKeys(config).signing.kid).toBe('new');
    expect([...passKeys(config).byKid.keys()]).toEqual(['new', 'old']);
    expect(passKeys(config)).toBe(passKeys(config));
    expect(() => loadBookingConfig({ ...prod, QUEUE_PASS_SECRET: undefined })).toThrow(
      /QUEUE_PASS_SECRET is required in production/,
    );
    expect(() => loadBookingConfig({ ...prod, QUEUE_SERVICE_URL: undefined })).toThrow(/QUEUE_SERVICE_URL/);
    expect(() => loadBookingConfig({ ...prod, QUEUE_PASS_SECRET: `a:${'s'.repeat(40)},a:${'t'.repeat(40)}` })).toThrow(
      /appears twice/,
    );
    expect(() => loadBookingConfig({ ...prod, QUEUE_PASS_SECRET: `bad kid!:${'s'.repeat(40)}` })).toThrow(/key id/);
    expect(loadBookingConfig({ NODE_ENV: 'development' }).QUEUE_SERVICE_URL).toBe('http://127.0.0.1:3006');
  });
});
