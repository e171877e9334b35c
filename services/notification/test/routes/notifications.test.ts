import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '@rail/http';
import type { Redis } from '@rail/redis';
import { buildApp } from '../../src/app.js';
import { loadNotificationConfig } from '../../src/config.js';
import { createTicketSigner } from '../../src/domain/ticket-qr.js';
import {
  capturingLogger,
  confirmedBooking,
  INTERNAL_TOKEN,
  REDIS_URL,
  testConfig,
  testStores,
  type TestStores,
} from '../helpers.js';

const config = testConfig();
const { logger, lines } = capturingLogger();
let stores: TestStores;
let redis: Redis;
let app: App;
const internal = { 'x-internal-token': INTERNAL_TOKEN };

beforeAll(async () => {
  stores = await testStores();
  redis = stores.redis;
  app = await buildApp({ config, logger, redis, pool: stores.pool });
});

afterAll(async () => {
  await app.close();
  await stores.close(config.REDIS_KEY_PREFIX);
});

async function inbox(to: string) {
  const response = await app.inject({ method: 'GET', url: `/api/notifications/inbox?to=${encodeURIComponent(to)}` });
  expect(response.statusCode).toBe(200);
  return response.json<{
    to: string;
    messages: Array<{ kind: string; channel: string; body: string; qr?: string; subject?: string }>;
  }>();
}

describe('POST /api/notifications/send-otp', () => {
  it('sends the code by SMS into the inbox, once per request id, and keeps the code out of the logs', async () => {
    const phone = '01812345678';
    const body = { phone, code: '204518', purpose: 'login', requestId: randomUUID(), expiresAt: new Date().toISOString() };
    const first = await app.inject({ method: 'POST', url: '/api/notifications/send-otp', headers: internal, payload: body });
    expect(first.statusCode).toBe(200);
    const [message] = first.json<{ messages: Array<{ id: string; channel: string; to: string; sent: boolean }> }>().messages;
    expect(message).toMatchObject({ channel: 'sms', to: '+8801812345678', sent: true });

    const again = await app.inject({ method: 'POST', url: '/api/notifications/send-otp', headers: internal, payload: body });
    expect(again.json()).toEqual({ messages: [{ ...message, sent: false }] });

    const box = await inbox('+8801812345678');
    expect(box.to).toBe('+8801812345678');
    expect(box.messages).toHaveLength(1);
    expect(box.messages[0]).toMatchObject({ kind: 'otp', channel: 'sms' });
    expect(box.messages[0]!.body).toContain('204518');
    expect(lines.join('')).toContain('sms sent');
    expect(lines.join('')).not.toContain('204518');
  });

  it.each([
    ['a phone that is not Bangladeshi', { phone: '+4412345678', code: '123456', purpose: 'login' }, 'body.phone'],
    ['a 5-digit code', { phone: '01712345678', code: '12345', purpose: 'login' }, 'body.code'],
    ['an unknown purpose', { phone: '01712345678', code: '123456', purpose: 'spam' }, 'body.purpose'],
    ['no code', { phone: '01712345678', purpose: 'login' }, 'body.code'],
  ])('answers 400 naming the field for %s', async (_label, payload, field) => {
    const response = await app.inject({ method: 'POST', url: '/api/notifications/send-otp', headers: internal, payload });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field)).toContain(field);
  });

  it('answers 401 without the internal token or with a wrong one, and sends nothing', async () => {
    const payload = { phone: '01912345678', code: '123456', purpose: 'login' };
    const missing = await app.inject({ method: 'POST', url: '/api/notifications/send-otp', payload });
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ code: 'INTERNAL_TOKEN_MISSING' });
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/notifications/send-otp',
      headers: { 'x-internal-token': 'guess-guess-guess-guess' },
      payload,
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toMatchObject({ code: 'INTERNAL_TOKEN_INVALID' });
    expect((await inbox('01912345678')).messages).toHaveLength(0);
  });
});

describe('POST /api/notifications/send-confirmation', () => {
  it('sends the e-ticket by SMS and e-mail once per booking, with a QR payload that verifies', async () => {
    const booking = confirmedBooking({ contact: { phone: '01612345678', email: 'Ticket.Holder@example.com', name: 'T' } });
    const first = await app.inject({
      method: 'POST',
      url: '/api/notifications/send-confirmation',
      headers: internal,
      payload: booking,
    });
    expect(first.statusCode).toBe(200);
    expect(first.json<{ messages: Array<{ channel: string; sent: boolean }> }>().messages).toMatchObject([
      { channel: 'sms', to: '+8801612345678', sent: true },
      { channel: 'email', to: 'ticket.holder@example.com', sent: true },
    ]);
    const again = await app.inject({
      method: 'POST',
      url: '/api/notifications/send-confirmation',
      headers: internal,
      payload: booking,
    });
    expect(again.json<{ messages: Array<{ sent: boolean }> }>().messages.map((m) => m.sent)).toEqual([false, false]);

    const sms = await inbox('01612345678');
    const email = await inbox('ticket.holder@example.com');
    expect(sms.messages).toHaveLength(1);
    expect(email.messages).toHaveLength(1);
    expect(email.messages[0]!.subject).toContain(booking.reference);
    const claims = createTicketSigner(config.TICKET_SIGNING_KEY).verify(email.messages[0]!.qr!);
    expect(claims).toMatchObject({ ref: booking.reference, bookingId: booking.bookingId, tripId: 42, seats: ['KA-12', 'KA-13'] });
  });

  it.each([
    ['no reference', (b: Record<string, unknown>) => delete b.reference, 'body.reference'],
    ['a bad date', (b: Record<string, unknown>) => (b.date = '8/4/2026'), 'body.date'],
    ['a bad booking id', (b: Record<string, unknown>) => (b.bookingId = 'x'), 'body.bookingId'],
    ['a negative fare', (b: Record<string, unknown>) => (b.amount = -5), 'body.amount'],
  ])('answers 400 naming the field for %s', async (_label, mutate, field) => {
    const payload = confirmedBooking() as unknown as Record<string, unknown>;
    mutate(payload);
    const response = await app.inject({
      method: 'POST',
      url: '/api/notifications/send-confirmation',
      headers: internal,
      payload,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field)).toContain(field);
  });

  it('answers 401 without the internal token', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/notifications/send-confirmation',
      payload: confirmedBooking(),
    });
    expect(response.statusCode).toBe(401);
  });
});

describe('GET /api/notifications/inbox', () => {
  it('answers 400 without a recipient', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/notifications/inbox' });
    expect(response.statusCode).toBe(400);
    expect(response.json<{ errors: Array<{ field: string }> }>().errors.map((e) => e.field)).toContain('query.to');
  });

  it('is empty for a recipient with no messages', async () => {
    expect((await inbox('nobody@example.com')).messages).toEqual([]);
  });

  it('does not exist in production (404), and production sends nothing to it', async () => {
    const production = loadNotificationConfig({
      NODE_ENV: 'production',
      REDIS_URL,
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      REDIS_KEY_PREFIX: config.REDIS_KEY_PREFIX,
      INTERNAL_API_TOKEN: INTERNAL_TOKEN,
      TICKET_SIGNING_KEY: randomBytes(32).toString('base64url'),
      AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
      DATABASE_URL: stores.db.url,
      BOOKING_SERVICE_URL: 'http://127.0.0.1:9',
      TRAIN_SERVICE_URL: 'http://127.0.0.1:9',
    });
    const prod = await buildApp({ config: production, logger, redis, pool: stores.pool });
    try {
      const sent = await prod.inject({
        method: 'POST',
        url: '/api/notifications/send-otp',
        headers: internal,
        payload: { phone: '01512345678', code: '111222', purpose: 'login' },
      });
      expect(sent.statusCode).toBe(200);
      const response = await prod.inject({ method: 'GET', url: '/api/notifications/inbox?to=01512345678' });
      expect(response.statusCode).toBe(404);
      expect((await inbox('01512345678')).messages).toHaveLength(0);
    } finally {
      await prod.close();
    }
  });

  it('production refuses to start without its secrets', () => {
    expect(() => loadNotificationConfig({ NODE_ENV: 'production', REDIS_URL, AMQP_URL: 'amqp://x' })).toThrow(
      /INTERNAL_API_TOKEN is required in production[\s\S]*TICKET_SIGNING_KEY is required in production/,
    );
  });
});

describe('GET /api/notifications/ticket-key', () => {
  it('serves the public verification key', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/notifications/ticket-key' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
  });
});

describe('readiness', () => {
  it('fails while the broker is disconnected and passes when it is connected', async () => {
    let connected = false;
    const withBroker = await buildApp({ config, logger, redis, pool: stores.pool, brokerConnected: () => connected });
    try {
      const down = await withBroker.inject({ method: 'GET', url: '/health/ready' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ checks: { rabbitmq: 'unavailable: not connected', redis: 'ok', database: 'ok' } });
      connected = true;
      expect((await withBroker.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    } finally {
      await withBroker.close();
    }
  });
});
