/**
 * The event wiring over the real RabbitMQ (random exchange and queues, deleted afterwards): payment events
 * leave through the outbox relay, and booking.cancelled delivered twice (and once more as a distinct event)
 * refunds the payment once and publishes one payment.refunded.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { EventData, type EventEnvelope, type EventType } from '@rail/contracts/events';
import { buildEnvelope, createBroker, startOutboxRelay, type Broker, type OutboxRelay } from '@rail/messaging';
import { consumerQueueNames, deleteTopology } from '@rail/messaging/testing';
import { startConsumers } from '../../src/events/consumers.js';
import { createHarness, logger, newUserId, type Harness } from '../helpers.js';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const suffix = randomBytes(5).toString('hex');
const exchange = `test.payment.${suffix}`;
const queue = `payment-test.${suffix}.booking-cancelled`;
const probeQueue = `payment-test.${suffix}.probe`;
const RETRY = [100];

let h: Harness;
let broker: Broker;
let probeBroker: Broker;
let relay: OutboxRelay;
const seen: EventEnvelope[] = [];

async function waitFor<T>(fn: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function seenOf(type: EventType, paymentId: string): EventEnvelope[] {
  return seen.filter((e) => e.type === type && (e.data as { paymentId: string }).paymentId === paymentId);
}

beforeAll(async () => {
  h = await createHarness();
  broker = createBroker({ url: AMQP_URL, exchange, logger, service: 'payment-test', closeTimeoutMs: 1_000 });
  probeBroker = createBroker({ url: AMQP_URL, exchange, logger, service: 'payment-test-probe', closeTimeoutMs: 1_000 });
  await probeBroker.consume({
    queue: probeQueue,
    events: ['payment.succeeded', 'payment.failed', 'payment.refunded'],
    retryDelaysMs: RETRY,
    handler: async (event) => {
      seen.push(event);
    },
  });
  await startConsumers({
    broker,
    pool: h.pool,
    provider: h.provider,
    logger,
    bookingCancelledQueue: queue,
    retryDelaysMs: RETRY,
  });
  relay = startOutboxRelay({ pool: h.pool, broker, logger, intervalMs: 50 });
});

afterAll(async () => {
  await relay?.stop();
  await broker?.close();
  await probeBroker?.close();
  await deleteTopology(AMQP_URL, {
    exchange,
    queues: [...consumerQueueNames(queue, RETRY), ...consumerQueueNames(probeQueue, RETRY)],
  });
  await h?.close();
});

describe('payment events over RabbitMQ', () => {
  it('publishes payment.succeeded, then refunds once when booking.cancelled arrives twice and again as a new event', async () => {
    const userId = newUserId();
    const booking = h.addBooking(userId, { amount: 1_100 });
    const headers = await h.authHeader(userId);
    const { paymentId } = (
      await h.app.inject({ method: 'POST', url: '/api/payments/initiate', headers, payload: { bookingId: booking.bookingId } })
    ).json();
    const verified = await h.app.inject({
      method: 'POST',
      url: '/api/payments/verify',
      headers,
      payload: { paymentId, method: 'card', cardNumber: '4242424242424242', expiry: '12/39', cvc: '123' },
    });
    expect(verified.json().status).toBe('SUCCEEDED');

    const succeeded = await waitFor(() => seenOf('payment.succeeded', paymentId)[0]);
    expect(Value.Check(EventData['payment.succeeded'], succeeded.data)).toBe(true);
    expect(succeeded.data).toMatchObject({ paymentId, bookingId: booking.bookingId, amount: 1_100 });

    const cancelled = buildEnvelope('booking.cancelled', {
      bookingId: booking.bookingId,
      reference: null,
      userId,
      contact: { phone: '+8801712345678' },
      tripId: booking.tripId,
      seatIds: [5],
      reason: 'hold_expired_before_payment',
      paymentId,
      refundAmount: 1_100,
    });
    await broker.publish(cancelled);
    await broker.publish(cancelled);
    await broker.publish(buildEnvelope('booking.cancelled', { ...cancelled.data, reason: 'cancelled_by_user' }));

    const refunded = await waitFor(() => seenOf('payment.refunded', paymentId)[0]);
    expect(Value.Check(EventData['payment.refunded'], refunded.data)).toBe(true);
    expect(refunded.data).toEqual({
      paymentId,
      bookingId: booking.bookingId,
      userId,
      amount: 1_100,
      reason: 'hold_expired_before_payment',
      contact: { phone: '+8801712345678' },
    });

    // All three deliveries handled (two deduplicated by event id, one a no-op on the refunded payment).
    await waitFor(async () => {
      const { rows } = await h.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM processed_events WHERE consumer = $1', [
        queue,
      ]);
      return rows[0]!.n === 2 ? true : undefined;
    });
    await relay.flush();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seenOf('payment.refunded', paymentId)).toHaveLength(1);
    expect((await h.provider.ledger(booking.bookingId)).filter((e) => e.type === 'refund')).toHaveLength(1);
    const { rows } = await h.pool.query('SELECT status FROM payments WHERE id = $1', [paymentId]);
    expect(rows[0].status).toBe('REFUNDED');
  });
});
