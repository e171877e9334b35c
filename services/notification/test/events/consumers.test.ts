import { randomUUID } from 'node:crypto';
import amqplib from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope, createBroker, type Broker } from '@rail/messaging';
import { consumerQueueNames, deleteTopology, drainQueue } from '@rail/messaging/testing';
import type { Redis } from '@rail/redis';
import { buildUseCaseDeps } from '../../src/app.js';
import { CONSUMED_EVENTS, queueFor, startConsumers } from '../../src/events/consumers.js';
import type { UseCaseDeps } from '../../src/deps.js';
import {
  AMQP_URL,
  capturingLogger,
  confirmedBooking,
  randomSuffix,
  sleep,
  testConfig,
  testStores,
  type TestStores,
  waitFor,
} from '../helpers.js';

const config = testConfig();
const exchange = `test.notification.${randomSuffix()}`;
const queuePrefix = `test.notification.${randomSuffix()}`;
const FAST = [50, 100];
const { logger, lines } = capturingLogger();
let stores: TestStores;
let redis: Redis;
let broker: Broker;
let deps: UseCaseDeps;

beforeAll(async () => {
  stores = await testStores();
  redis = stores.redis;
  broker = createBroker({ url: AMQP_URL, exchange, logger, service: 'notification-test', closeTimeoutMs: 500 });
  deps = buildUseCaseDeps(config, logger, stores);
  await startConsumers(deps, { broker, redis, prefix: config.REDIS_KEY_PREFIX, queuePrefix, retryDelaysMs: FAST });
});

afterAll(async () => {
  await broker.close();
  await deleteTopology(AMQP_URL, {
    exchange,
    queues: CONSUMED_EVENTS.flatMap((type) => consumerQueueNames(queueFor(queuePrefix, type), FAST)),
  });
  await stores.close(config.REDIS_KEY_PREFIX);
});

const inbox = (to: string) => deps.dispatcher.readInbox(to);

describe('notification consumers', () => {
  it('otp.requested: the code lands in the inbox once, even when the event is delivered twice', async () => {
    const event = buildEnvelope('otp.requested', {
      requestId: randomUUID(),
      phone: '+8801712000001',
      purpose: 'register',
      code: '550123',
      expiresAt: new Date(Date.now() + 300_000).toISOString(),
    });
    await broker.publish(event, { requestId: 'req-otp-1' });
    await waitFor(async () => (await inbox('01712000001')).length > 0, 5_000, 'the OTP');
    await broker.publish(event);
    await sleep(300);
    const messages = await inbox('01712000001');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.body).toContain('550123');
    expect(lines.join('')).not.toContain('550123');
    expect(lines.some((l) => l.includes('"requestId":"req-otp-1"') && l.includes('sms sent'))).toBe(true);
  });

  it('booking.confirmed: one e-ticket per channel, also for a duplicate event and a second event of the same booking', async () => {
    const booking = confirmedBooking({ contact: { phone: '01712000002', email: 'traveller2@example.com' } });
    const event = buildEnvelope('booking.confirmed', booking);
    await Promise.all([
      broker.publish(event),
      broker.publish(event),
      broker.publish(buildEnvelope('booking.confirmed', booking)),
    ]);
    await waitFor(async () => (await inbox('traveller2@example.com')).length > 0, 5_000, 'the e-ticket');
    await sleep(500);
    const [sms, email] = [await inbox('+8801712000002'), await inbox('traveller2@example.com')];
    expect(sms).toHaveLength(1);
    expect(email).toHaveLength(1);
    expect(email[0]!.body).toContain(booking.reference);
    expect(deps.tickets.verify(email[0]!.qr!)).toMatchObject({ bookingId: booking.bookingId, seats: ['KA-12', 'KA-13'] });
  });

  it('booking.waitlist-offered and booking.waitlist-closed: SMS and e-mail once each; no notice when the traveller left', async () => {
    const contact = { phone: '01712000077', email: 'waiter@example.com', name: 'Waiter' };
    const trip = {
      tripId: 9,
      trainName: 'Subarna Express',
      trainNumber: '701',
      date: '2026-04-01',
      from: 'DHK',
      to: 'CTG',
      class: 'SHOVAN' as const,
    };
    const offered = buildEnvelope('booking.waitlist-offered', {
      waitlistId: randomUUID(),
      bookingId: randomUUID(),
      userId: 'u-w',
      contact,
      ...trip,
      seats: [{ seatId: 12, label: 'KA-12', coach: 'KA', class: 'SHOVAN' }],
      amount: 400,
      expiresAt: new Date(Date.now() + 900_000).toISOString(),
    });
    const closed = (reason: 'cut-off' | 'left') =>
      buildEnvelope('booking.waitlist-closed', {
        waitlistId: randomUUID(),
        userId: 'u-w',
        contact,
        ...trip,
        count: 1,
        reason,
        bookingId: null,
      });
    await Promise.all([
      broker.publish(offered),
      broker.publish(offered),
      broker.publish(closed('left')),
      broker.publish(closed('cut-off')),
    ]);
    await waitFor(async () => (await inbox('waiter@example.com')).length >= 2, 5_000, 'the waitlist notices');
    await sleep(400);
    const sms = await inbox('+8801712000077');
    const email = await inbox('waiter@example.com');
    expect(sms.map((m) => m.kind)).toEqual(['waitlist', 'waitlist']);
    expect(email).toHaveLength(2);
    expect(sms.some((m) => m.body.includes('KA-12') && m.body.includes('held for you'))).toBe(true);
    expect(sms.some((m) => m.body.includes('waitlist is closed'))).toBe(true);
  });

  it('booking.cancelled and payment.refunded: one notice each', async () => {
    const bookingId = randomUUID();
    const paymentId = randomUUID();
    const contact = { phone: '01712000003' };
    const cancelled = buildEnvelope('booking.cancelled', {
      bookingId,
      reference: 'P4T9WR',
      userId: 'u-3',
      contact,
      tripId: 9,
      seatIds: [4],
      reason: 'cancelled by the traveller',
      paymentId,
      refundAmount: 900,
    });
    const refunded = buildEnvelope('payment.refunded', {
      paymentId,
      bookingId,
      userId: 'u-3',
      amount: 900,
      reason: 'booking cancelled',
      contact,
    });
    for (const e of [cancelled, refunded, cancelled, refunded]) await broker.publish(e);
    await waitFor(async () => (await inbox('01712000003')).length === 2, 5_000, 'both notices');
    await sleep(300);
    const messages = await inbox('01712000003');
    expect(messages.map((m) => m.kind).sort()).toEqual(['cancellation', 'refund']);
  });

  it('booking.cancelled for a duplicate payment: a refund notice once, and the later real cancellation still goes out', async () => {
    const bookingId = randomUUID();
    const firstPayment = randomUUID();
    const secondPayment = randomUUID();
    const base = {
      bookingId,
      reference: 'Q8N2HD',
      userId: 'u-5',
      contact: { phone: '01712000005' },
      tripId: 9,
      seatIds: [4],
      refundAmount: 900,
    };
    const duplicate = buildEnvelope('booking.cancelled', { ...base, reason: 'DUPLICATE_PAYMENT', paymentId: secondPayment });
    // a redelivery and a second event for the same refund request send nothing more
    await broker.publish(duplicate);
    await broker.publish(duplicate);
    await broker.publish(buildEnvelope('booking.cancelled', { ...base, reason: 'DUPLICATE_PAYMENT', paymentId: secondPayment }));
    await waitFor(async () => (await inbox('01712000005')).length > 0, 5_000, 'the duplicate-payment notice');
    await sleep(300);
    const first = await inbox('01712000005');
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ kind: 'refund' });
    expect(first[0]!.body).toContain('second payment');

    const cancellation = buildEnvelope('booking.cancelled', { ...base, reason: 'CANCELLED_BY_USER', paymentId: firstPayment });
    await broker.publish(cancellation);
    await broker.publish(cancellation);
    await waitFor(async () => (await inbox('01712000005')).length === 2, 5_000, 'the cancellation');
    await sleep(300);
    const messages = await inbox('01712000005');
    expect(messages.map((m) => m.kind)).toEqual(['cancellation', 'refund']);
    expect(messages[0]!.body).toContain('booking Q8N2HD has been cancelled');
  });

  it('booking.cancelled for a payment after the hold expired: the hold-expired refund notice', async () => {
    const event = buildEnvelope('booking.cancelled', {
      bookingId: randomUUID(),
      reference: null,
      userId: 'u-6',
      contact: { email: 'late-payer@example.com' },
      tripId: 9,
      seatIds: [5],
      reason: 'PAID_AFTER_EXPIRY',
      paymentId: randomUUID(),
      refundAmount: 450,
    });
    await broker.publish(event);
    await waitFor(async () => (await inbox('late-payer@example.com')).length > 0, 5_000, 'the expiry refund notice');
    const [message] = await inbox('late-payer@example.com');
    expect(message).toMatchObject({ kind: 'refund', subject: 'Hold expired: your payment of BDT 450 will be refunded' });
    expect(message!.body).toContain('expired before the payment of BDT 450');
  });

  it('an invalid event goes to the dead-letter queue and sends nothing', async () => {
    const connection = await amqplib.connect(AMQP_URL);
    const channel = await connection.createConfirmChannel();
    const bad = { ...buildEnvelope('booking.confirmed', confirmedBooking({ contact: { phone: '01712000004' } })) };
    (bad.data as unknown as Record<string, unknown>).seats = 'all of them';
    channel.publish(exchange, 'booking.confirmed', Buffer.from(JSON.stringify(bad)));
    await channel.waitForConfirms();
    await connection.close();
    const dlq = `${queueFor(queuePrefix, 'booking.confirmed')}.dlq`;
    const dead = await waitFor(
      async () => {
        const messages = await drainQueue(AMQP_URL, dlq);
        return messages.length > 0 ? messages : null;
      },
      5_000,
      'the dead letter',
    );
    expect(dead[0]?.properties.headers?.['x-dead-letter-reason']).toBe('invalid-envelope');
    expect(await inbox('01712000004')).toHaveLength(0);
  });
});
