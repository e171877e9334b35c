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
  addConfirmedBooking,
  AMQP_URL,
  capturingLogger,
  confirmedBooking,
  deleteKeys,
  randomSuffix,
  sleep,
  startFakeUpstreams,
  testConfig,
  testStores,
  waitFor,
  type FakeUpstreams,
  type TestStores,
} from '../helpers.js';

let upstreams: FakeUpstreams;
let config: ReturnType<typeof testConfig>;
const exchange = `test.notification.${randomSuffix()}`;
const queuePrefix = `test.notification.${randomSuffix()}`;
const FAST = [50, 100];
const { logger } = capturingLogger();
let stores: TestStores;
let redis: Redis;
let broker: Broker;
let deps: UseCaseDeps;
let app: App;
let issuer: TestIssuer;

beforeAll(async () => {
  upstreams = await startFakeUpstreams();
  config = testConfig({ BOOKING_SERVICE_URL: upstreams.url, TRAIN_SERVICE_URL: upstreams.url });
  stores = await testStores();
  redis = stores.redis;
  issuer = await createTestIssuer();
  deps = buildUseCaseDeps(config, logger, stores);
  app = await buildApp(
    {
      config,
      logger,
      redis,
      pool: stores.pool,
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
  await stores.close(config.REDIS_KEY_PREFIX);
  await upstreams.close();
});

async function getTicket(bookingId: string, userId?: string) {
  const headers = userId ? await bearer(userId) : {};
  return app.inject({ method: 'GET', url: `/api/notifications/tickets/${bookingId}`, headers });
}

async function bearer(userId: string) {
  return { authorization: `Bearer ${await issuer.sign({ sub: userId })}` };
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
    // The ticket is stored before the e-mail goes out: wait for the mail rather than race it.
    await waitFor(async () => (await deps.dispatcher.readInbox(email)).length > 0, 5_000, 'the e-mail');
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

describe('durability: the tickets are in PostgreSQL', () => {
  it("survives a flush of the service's Redis keys, and a redelivery after it sends the ticket no second time", async () => {
    const email = `flush-${randomSuffix()}@example.com`;
    const booking = await confirm({ contact: { email } });
    const before = (await getTicket(booking.bookingId, booking.userId)).json();
    expect(await deps.dispatcher.readInbox(email)).toHaveLength(1);
    const { rows } = await stores.pool.query('SELECT status, qr FROM tickets WHERE booking_id = $1', [booking.bookingId]);
    expect(rows).toEqual([{ status: 'issued', qr: before.qr }]);

    // Only this test's prefix: the shared Redis is never flushed as a whole.
    await deleteKeys(redis, config.REDIS_KEY_PREFIX);
    expect(await redis.keys(`${config.REDIS_KEY_PREFIX}*`)).toEqual([]);
    const after = await getTicket(booking.bookingId, booking.userId);
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual(before);

    // The event dedupe went with the flush; the sent marker did not.
    await broker.publish(buildEnvelope('booking.confirmed', booking));
    await waitFor(async () => (await redis.keys(`${config.REDIS_KEY_PREFIX}*`)).length > 0, 5_000, 'the redelivery');
    await sleep(300);
    expect(await deps.dispatcher.readInbox(email)).toHaveLength(0);
    expect((await getTicket(booking.bookingId, booking.userId)).json()).toEqual(before);
  });
});

describe('re-issue of a confirmed booking whose ticket is missing', () => {
  it('signs and stores the ticket from the booking service (asked with the owner token) and the trip, once', async () => {
    const booking = confirmedBooking({ userId: `user-${randomSuffix()}` });
    addConfirmedBooking(upstreams, booking);
    const asked = upstreams.requests.length;

    const first = await getTicket(booking.bookingId, booking.userId);
    expect(first.statusCode).toBe(200);
    const body = first.json<{ bookingId: string; reference: string; qr: string }>();
    expect(body).toMatchObject({ bookingId: booking.bookingId, reference: booking.reference });
    expect(verifyTicket(body.qr, await publicKey())).toMatchObject({
      ref: booking.reference,
      bookingId: booking.bookingId,
      tripId: booking.tripId,
      date: booking.date,
      from: booking.from,
      to: booking.to,
      seats: ['KA-12', 'KA-13'],
      passengers: 2,
    });
    const calls = upstreams.requests.slice(asked);
    expect(calls.map((r) => r.path)).toEqual([`/api/bookings/${booking.bookingId}`, `/api/trains/trips/${booking.tripId}`]);
    expect(calls[0]?.authorization).toBe((await bearer(booking.userId)).authorization);

    // Stored: the next read asks nobody, and the late booking.confirmed keeps (and mails) this very QR.
    expect((await getTicket(booking.bookingId, booking.userId)).json()).toEqual(body);
    expect(upstreams.requests.length).toBe(asked + 2);
    await broker.publish(buildEnvelope('booking.confirmed', booking));
    const email = booking.contact.email!;
    const mail = await waitFor(async () => (await deps.dispatcher.readInbox(email)).find((m) => m.qr), 5_000, 'the e-mail');
    expect(mail.qr).toBe(body.qr);
    const { rows } = await stores.pool.query('SELECT count(*)::int AS n FROM tickets WHERE booking_id = $1', [booking.bookingId]);
    expect(rows[0].n).toBe(1);
  });

  it('issues one ticket when several readers find it missing at once', async () => {
    const booking = confirmedBooking({ userId: `user-${randomSuffix()}` });
    addConfirmedBooking(upstreams, booking);
    const answers = await Promise.all(Array.from({ length: 5 }, () => getTicket(booking.bookingId, booking.userId)));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.json().qr)).size).toBe(1);
  });

  it('is 404 for a booking that is not confirmed, not the reader’s, or cancelled, and re-issues nothing', async () => {
    const pending = confirmedBooking({ userId: `user-${randomSuffix()}` });
    addConfirmedBooking(upstreams, pending);
    const entry = upstreams.bookings.get(pending.bookingId)!;
    entry.view = { ...entry.view, status: 'PENDING_PAYMENT', reference: null };
    expect((await getTicket(pending.bookingId, pending.userId)).statusCode).toBe(404);

    const theirs = confirmedBooking({ userId: `user-${randomSuffix()}` });
    addConfirmedBooking(upstreams, theirs);
    const stranger = await getTicket(theirs.bookingId, 'someone-else');
    expect(stranger.statusCode).toBe(404);
    expect(stranger.json().code).toBe('TICKET_NOT_FOUND');

    const cancelled = confirmedBooking({ userId: `user-${randomSuffix()}` });
    addConfirmedBooking(upstreams, cancelled);
    await deps.issued.void(cancelled.bookingId);
    expect((await getTicket(cancelled.bookingId, cancelled.userId)).statusCode).toBe(404);

    const { rows } = await stores.pool.query('SELECT booking_id, status FROM tickets WHERE booking_id = ANY($1)', [
      [pending.bookingId, theirs.bookingId, cancelled.bookingId],
    ]);
    expect(rows).toEqual([{ booking_id: cancelled.bookingId, status: 'void' }]);
  });

  it('answers 503 with Retry-After while the booking service fails, and re-issues once it is back', async () => {
    const booking = confirmedBooking({ userId: `user-${randomSuffix()}` });
    addConfirmedBooking(upstreams, booking);
    upstreams.failWith = 500;
    try {
      const down = await getTicket(booking.bookingId, booking.userId);
      expect(down.statusCode).toBe(503);
      expect(down.headers['retry-after']).toBeDefined();
      expect(down.json().code).toBe('BOOKING_SERVICE_UNAVAILABLE');
    } finally {
      upstreams.failWith = null;
    }
    expect(await deps.issued.get(booking.bookingId)).toBeNull();
    // The breaker may still be open for a moment after the failures.
    await waitFor(async () => (await getTicket(booking.bookingId, booking.userId)).statusCode === 200, 8_000, 'the re-issue');
  });
});
