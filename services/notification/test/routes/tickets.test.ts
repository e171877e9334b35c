import { createPublicKey, randomUUID, type JsonWebKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestIssuer, type TestIssuer } from '@rail/auth-verify/testing';
import type { EventDataOf } from '@rail/contracts/events';
import type { App } from '@rail/http';
import { buildEnvelope, createBroker, type Broker } from '@rail/messaging';
import { consumerQueueNames, deleteTopology } from '@rail/messaging/testing';
import type { Redis } from '@rail/redis';
import { buildApp, buildUseCaseDeps } from '../../src/app.js';
import type { UseCaseDeps } from '../../src/deps.js';
import { verifyTicket } from '../../src/domain/ticket-qr.js';
import { CONSUMED_EVENTS, queueFor, startConsumers } from '../../src/events/consumers.js';
import {
  AMQP_URL,
  capturingLogger,
  confirmedBooking,
  deleteKeys,
  randomSuffix,
  sleep,
  testConfig,
  testRedis,
  waitFor,
} from '../helpers.js';

const config = testConfig();
const exchange = `test.notification.${randomSuffix()}`;
const queuePrefix = `test.notification.${randomSuffix()}`;
const FAST = [50, 100];
const { logger } = capturingLogger();
let redis: Redis;
let broker: Broker;
let deps: UseCaseDeps;
let app: App;
let issuer: TestIssuer;

beforeAll(async () => {
  redis = testRedis();
  issuer = await createTestIssuer();
  deps = buildUseCaseDeps(config, logger, redis);
  app = await buildApp(
    {
      config,
      logger,
      redis,
      auth: { issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks, nodeEnv: 'test' },
    },
    deps,
  );
  broker = createBroker({ url: AMQP_URL, exchange, logger, service: 'notification-test', closeTimeoutMs: 500 });
  await startConsumers(deps, { broker, redis, prefix: config.REDIS_KEY_PREFIX, queuePrefix, retryDelaysMs: FAST });
});

afterAll(async () => {
  await app.close();
  await broker.close();
  await deleteTopology(AMQP_URL, {
    exchange,
    queues: CONSUMED_EVENTS.flatMap((type) => consumerQueueNames(queueFor(queuePrefix, type), FAST)),
  });
  await deleteKeys(redis, config.REDIS_KEY_PREFIX);
  redis.disconnect();
});

async function getTicket(bookingId: string, userId?: string) {
  const headers = userId ? { authorization: `Bearer ${await issuer.sign({ sub: userId })}` } : {};
  return app.inject({ method: 'GET', url: `/api/notifications/tickets/${bookingId}`, headers });
}

async function publicKey() {
  const response = await app.inject({ method: 'GET', url: '/api/notifications/ticket-key' });
  return createPublicKey({ key: response.json<JsonWebKey>(), format: 'jwk' });
}

async function confirm(overrides: Partial<EventDataOf<'booking.confirmed'>> = {}) {
  const booking = confirmedBooking({ userId: `user-${randomSuffix()}`, ...overrides });
  await broker.publish(buildEnvelope('booking.confirmed', booking));
  await waitFor(async () => (await getTicket(booking.bookingId, booking.userId)).statusCode === 200, 5_000, 'the ticket');
  return booking;
}

function cancellation(booking: EventDataOf<'booking.confirmed'>, reason: string): EventDataOf<'booking.cancelled'> {
  return {
    bookingId: booking.bookingId,
    reference: booking.reference,
    userId: booking.userId,
    contact: booking.contact,
    tripId: booking.tripId,
    seatIds: booking.seats.map((s) => s.seatId),
    reason,
    paymentId: booking.paymentId,
    refundAmount: booking.amount,
  };
}

describe('GET /api/notifications/tickets/:bookingId', () => {
  it('after booking.confirmed the owner gets the signed QR, the same one the e-mail carries, and it verifies', async () => {
    const email = `owner-${randomSuffix()}@example.com`;
    const booking = await confirm({ contact: { phone: '01712000031', email } });
    const response = await getTicket(booking.bookingId, booking.userId);
    expect(response.statusCode).toBe(200);
    const body = response.json<{ bookingId: string; reference: string; qr: string }>();
    expect(body).toEqual({ bookingId: booking.bookingId, reference: booking.reference, qr: expect.stringMatching(/^RT1\./) });

    const claims = verifyTicket(body.qr, await publicKey());
    expect(claims).toMatchObject({ ref: booking.reference, bookingId: booking.bookingId, seats: ['KA-12', 'KA-13'] });
    const [mail] = await deps.dispatcher.readInbox(email);
    expect(mail?.qr).toBe(body.qr);

    // A redelivered confirmation keeps the first QR (the one already sent).
    await broker.publish(buildEnvelope('booking.confirmed', booking));
    await sleep(300);
    expect((await getTicket(booking.bookingId, booking.userId)).json()).toEqual(body);
  });

  it('is 404 for another user, with the same answer as an unknown booking', async () => {
    const booking = await confirm();
    const other = await getTicket(booking.bookingId, 'someone-else');
    expect(other.statusCode).toBe(404);
    expect(other.headers['content-type']).toContain('application/problem+json');
    const unknown = await getTicket(randomUUID(), booking.userId);
    expect(unknown.statusCode).toBe(404);
    expect(other.json().code).toBe(unknown.json().code);
  });

  it('is 404 once the booking is cancelled by its owner, also when the cancellation overtakes the confirmation', async () => {
    const booking = await confirm();
    await broker.publish(buildEnvelope('booking.cancelled', cancellation(booking, 'CANCELLED_BY_USER')));
    await waitFor(async () => (await getTicket(booking.bookingId, booking.userId)).statusCode === 404, 5_000, 'the void');

    const early = confirmedBooking({
      userId: `user-${randomSuffix()}`,
      contact: { email: `early-${randomSuffix()}@example.com` },
    });
    await broker.publish(buildEnvelope('booking.cancelled', cancellation(early, 'CANCELLED_BY_USER')));
    await waitFor(async () => (await deps.issued.get(early.bookingId))?.status === 'void', 5_000, 'the void marker');
    await broker.publish(buildEnvelope('booking.confirmed', early));
    await sleep(500);
    expect((await getTicket(early.bookingId, early.userId)).statusCode).toBe(404);
    const inbox = await deps.dispatcher.readInbox(early.contact.email!);
    expect(inbox.filter((m) => m.kind === 'ticket')).toHaveLength(0);
  });

  it('stays valid when booking.cancelled only asks to refund a second payment', async () => {
    const booking = await confirm();
    const refund = { ...cancellation(booking, 'DUPLICATE_PAYMENT'), paymentId: randomUUID() };
    await broker.publish(buildEnvelope('booking.cancelled', refund));
    await sleep(500);
    expect((await getTicket(booking.bookingId, booking.userId)).statusCode).toBe(200);
  });

  it('is 401 without a token or with a bad one, 400 for a booking id that is not a UUID', async () => {
    const booking = await confirm();
    const none = await getTicket(booking.bookingId);
    expect(none.statusCode).toBe(401);
    const forged = await app.inject({
      method: 'GET',
      url: `/api/notifications/tickets/${booking.bookingId}`,
      headers: { authorization: `Bearer ${await issuer.sign({ sub: booking.userId }, { audience: 'other' })}` },
    });
    expect(forged.statusCode).toBe(401);
    const bad = await getTicket('not-a-uuid', booking.userId);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('bookingId');
  });
});
