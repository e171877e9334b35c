/** The booking service's configuration: development defaults, production refusals. */
import { describe, expect, it } from 'vitest';
import { loadBookingConfig } from '../src/config.js';

describe('config', () => {
  it('has working development defaults', () => {
    const config = loadBookingConfig({ NODE_ENV: 'development' });
    expect(config).toMatchObject({ PORT: 3003, HOLD_TTL_SECONDS: 300, REDIS_KEY_PREFIX: 'booking:', OTP_DEV_ECHO: false });
  });

  it('refuses OTP_DEV_ECHO=true in production, and missing secrets there', () => {
    const prod = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://x@db/booking_db',
      REDIS_URL: 'redis://r',
      AMQP_URL: 'amqp://mq',
      TRAIN_SERVICE_URL: 'http://train',
      AUTH_JWKS_URL: 'http://auth/jwks',
      OTP_PEPPER: 'a-long-production-pepper',
    };
    expect(loadBookingConfig(prod).OTP_DEV_ECHO).toBe(false);
    expect(() => loadBookingConfig({ ...prod, OTP_DEV_ECHO: 'true' })).toThrow(/OTP_DEV_ECHO/);
    expect(() => loadBookingConfig({ ...prod, OTP_PEPPER: '' })).toThrow(/OTP_PEPPER is required in production/);
    expect(() => loadBookingConfig({ NODE_ENV: 'development', HOLD_TTL_SECONDS: '0' })).toThrow(/HOLD_TTL_SECONDS/);
  });
});
