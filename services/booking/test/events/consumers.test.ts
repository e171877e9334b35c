/**
 * The payment-driven booking lifecycle over the real RabbitMQ (own exchange and queues), PostgreSQL (fresh
 * database) and Redis (own prefix): payment.succeeded confirms and the booking.confirmed e-ticket event leaves
 * through the relay; a late, cancelled-for or duplicate payment is refunded through booking.cancelled, once;
 * payment.failed changes nothing; a failing handler is retried, not acked; DELETE of a confirmed booking
 * cancels it, frees the seats and asks for the refund.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Value } from '@sinclair/typebox/value';
import { EventData, type EventDataOf, type EventEnvelope } from '@rail/contracts/events';
import { buildEnvelope, createBroker, type Broker } from '@rail/messaging';
import { consumerQueueNames, deleteTopology } from '@rail/messaging/testing';
import type { BookingDeps } from '../../src/deps.js';
import { isReference } from '../../src/domain/reference.js';
import { CONSUMED_EVENTS, queueFor } from '../../src/events/consumers.js';
import { startEvents, type BookingEvents } from '../../src/events/start-events.js';
import { confirmSeats } from '../../src/use-cases/confirm-seats.js';
import { expireOverdueBookings } from '../../src/use-cases/expire-bookings.js';
import { selectSeats } from '../../src/use-cases/select-seats.js';
import { verifyOtp } from '../../src/use-cases/verify-otp.js';
import { makeInventory, seatPicker } from '../helpers/fixtures.js';
import { startHarness, type Harness } from '../helpers/harness.js';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const runId = randomBytes(4).toString('hex');
const exchange = `test.booking-events.${runId}`;
const queuePrefix = `test-booking-events-${runId}`;
const probeQueue = `${queuePrefix}.probe`;
const TRIP = 52;
const trip = makeInventory(TRIP);
const seat = seatPicker(trip);
const user = (id: string) => ({ id, phone: '+8801711111111', name: id });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let h: Harness;
let deps: BookingDeps;
let events: BookingEvents;
let publisher: Broker;
/** booking.* events as they arrived on the broker (proves the relay is wired). */
const delivered: EventEnvelope[] = [];
/** Train-service outage switch: how many catalogue reads fail next, and how many failed. */
const outage = { failNext: 0, failed: 0 };

async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  ms = 10_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

beforeAll(async () => {
  h = await startHarness([trip], { holdTtlSeconds: 60 });
  deps = {
    ...h.deps,
    inventories: {
      ...h.deps.inventories,
      get: async (tripId, field) => {
        if (outage.failNext > 0) {
          outage.failNext -= 1;
          outage.failed += 1;
          throw new Error('train service unreachable');
        }
        return h.deps.inventories.get(tripId, field);
      },
    },
  };
  events = await startEvents(deps, { AMQP_URL, AMQP_EXCHANGE: exchange, QUEUE_PREFIX: queuePrefix });
  publisher = createBroker({ url: AMQP_URL, exchange, logger: h.deps.logger, service: 'booking-test', closeTimeoutMs: 500 });
  await publisher.consume({
    queue: probeQueue,
    events: ['booking.confirmed', 'booking.cancelled', 'booking.expired'],
    handler: async (event) => void delivered.push(event),
  });
}, 30_000);

afterAll(async () => {
  await events?.stop();
  await publisher?.close();
  await deleteTopology(AMQP_URL, {
    exchange,
    queues: [...CONSUMED_EVENTS.flatMap((t) => consumerQueueNames(queueFor(queuePrefix, t))), ...consumerQueueNames(probeQueue)],
  });
  await h?.close();
});

/** A booking waiting for payment (HELD -> confirm -> OTP -> PENDING_PAYMENT). */
async function payable(userId: string, seats: number[]): Promise<{ bookingId: string; amount: number }> {
  const held = await selectSeats(h.deps, user(userId), { tripId: TRIP, seatIds: seats });
  const { devOtp } = await confirmSeats(h.deps, user(userId), {
    bookingId: held.bookingId,
    passengers: seats.map((_, i) => ({ name: `Passenger ${i + 1}` })),
  });
  const verified = await verifyOtp(h.deps, user(userId), held.bookingId, devOtp!);
  return { bookingId: held.bookingId, amount: verified.amount };
}

function succeeded(bookingId: string, amount: number, userId: string, paymentId = randomUUID()) {
  return buildEnvelope('payment.succeeded', {
    paymentId,
    bookingId,
    userId,
    amount,
    method: 'card',
    providerReference: `ch_${paymentId.slice(0, 8)}`,
  });
}

async function booking(id: string): Promise<{ status: string; reference: string | null; payment_id: string | null }> {
  const { rows } = await h.pool.query('SELECT status, reference, payment_id FROM bookings WHERE id = $1', [id]);
  return rows[0];
}

async function outbox<T extends 'booking.confirmed' | 'booking.cancelled' | 'booking.expired'>(
  type: T,
  bookingId: string,
): Promise<EventDataOf<T>[]> {
  const { rows } = await h.pool.query(
    `SELECT envelope FROM outbox WHERE type = $1 AND envelope->'data'->>'bookingId' = $2 ORDER BY occurred_at`,
    [type, bookingId],
  );
  return rows.map((r) => r.envelope.data as EventDataOf<T>);
}

async function seatState(seatId: number): Promise<string | undefined> {
  const snapshot = await h.deps.seats.snapshot(TRIP);
  return snapshot?.seats
    .get(seatId)
    ?.map((e) => e.state)
    .join('');
}

describe('payment.succeeded', () => {
  it('confirms a PENDING_PAYMENT booking: reference, seats booked in Redis, booking.confirmed delivered for the e-ticket', async () => {
    const { bookingId, amount } = await payable('alice', [seat(0), seat(1)]);
    expect(await seatState(seat(0))).toBe('P');
    const event = succeeded(bookingId, amount, 'alice');
    await publisher.publish(event);

    const row = await waitFor(async () => {
      const b = await booking(bookingId);
      return b.status === 'CONFIRMED' && b;
    }, 'CONFIRMED');
    expect(isReference(row.reference!)).toBe(true);
    expect(row.payment_id).toBe(event.data.paymentId);
    await waitFor(async () => (await seatState(seat(0))) === 'C', 'the seat booked in Redis');
    expect(await seatState(seat(1))).toBe('C');

    const confirmed = await waitFor(
      () => delivered.find((e) => e.type === 'booking.confirmed' && 'bookingId' in e.data && e.data.bookingId === bookingId),
      'booking.confirmed on the broker',
    );
    expect(Value.Check(EventData['booking.confirmed'], confirmed.data)).toBe(true);
    expect(confirmed.data).toMatchObject({
      reference: row.reference,
      paymentId: event.data.paymentId,
      contact: { phone: '+8801711111111', name: 'alice' },
      trainName: trip.trainName,
      date: trip.date,
      departure: trip.stops[0]!.departure,
      seats: [expect.objectContaining({ seatId: seat(0) }), expect.objectContaining({ seatId: seat(1) })],
      passengers: [{ name: 'Passenger 1' }, { name: 'Passenger 2' }],
      amount,
    });
    // The seat is sold: nobody else can hold it.
    await expect(selectSeats(h.deps, user('bob'), { tripId: TRIP, seatIds: [seat(0)] })).rejects.toMatchObject({
      code: 'SEAT_UNAVAILABLE',
    });
  });

  it('a redelivered event and a second event for the same payment have one effect', async () => {
    const { bookingId, amount } = await payable('carol', [seat(2)]);
    const event = succeeded(bookingId, amount, 'carol');
    const again = buildEnvelope('payment.succeeded', event.data); // same payment, new event id
    await Promise.all([publisher.publish(event), publisher.publish(event), publisher.publish(again)]);
    await waitFor(async () => (await booking(bookingId)).status === 'CONFIRMED', 'CONFIRMED');
    await waitFor(async () => {
      const { rows } = await h.pool.query(`SELECT count(*)::int AS n FROM processed_events WHERE event_id = ANY($1::uuid[])`, [
        [event.id, again.id],
      ]);
      return rows[0].n === 2;
    }, 'both event ids processed');
    await sleep(300);
    expect(await outbox('booking.confirmed', bookingId)).toHaveLength(1);
    expect(await outbox('booking.cancelled', bookingId)).toEqual([]);
  });

  it('a second, different payment for a CONFIRMED booking is refunded once; the booking stays CONFIRMED', async () => {
    const { bookingId, amount } = await payable('dave', [seat(3)]);
    await publisher.publish(succeeded(bookingId, amount, 'dave'));
    await waitFor(async () => (await booking(bookingId)).status === 'CONFIRMED', 'CONFIRMED');
    const before = await booking(bookingId);

    const second = succeeded(bookingId, amount, 'dave');
    await publisher.publish(second);
    await publisher.publish(buildEnvelope('payment.succeeded', second.data));
    const refund = await waitFor(
      () => delivered.find((e) => e.type === 'booking.cancelled' && 'bookingId' in e.data && e.data.bookingId === bookingId),
      'the refund request',
    );
    expect(refund.data).toMatchObject({ reason: 'DUPLICATE_PAYMENT', paymentId: second.data.paymentId, refundAmount: amount });
    await sleep(300);
    expect(await outbox('booking.cancelled', bookingId)).toHaveLength(1);
    expect(await booking(bookingId)).toEqual(before);
    expect(await seatState(seat(3))).toBe('C');
  });

  it('a payment after the hold ran out is refunded; the booking is EXPIRED and the seat free for others', async () => {
    h.deps.settings.holdTtlSeconds = 1;
    let pending: { bookingId: string; amount: number };
    try {
      pending = await payable('erin', [seat(4)]);
    } finally {
      h.deps.settings.holdTtlSeconds = 60;
    }
    const { bookingId, amount } = pending;
    await sleep(1_100); // the expiry job is not running: the consumer finds the booking overdue, still PENDING_PAYMENT
    const late = succeeded(bookingId, amount, 'erin');
    await publisher.publish(late);
    await publisher.publish(late);

    const refund = await waitFor(async () => (await outbox('booking.cancelled', bookingId))[0], 'the refund request');
    expect(refund).toMatchObject({ reason: 'PAID_AFTER_EXPIRY', paymentId: late.data.paymentId, refundAmount: amount });
    expect(Value.Check(EventData['booking.cancelled'], refund)).toBe(true);
    expect(await booking(bookingId)).toMatchObject({ status: 'EXPIRED', reference: null, payment_id: null });
    expect(await outbox('booking.expired', bookingId)).toHaveLength(1);
    await waitFor(async () => (await seatState(seat(4))) === undefined, 'the seat freed in Redis');
    await expect(selectSeats(h.deps, user('frank'), { tripId: TRIP, seatIds: [seat(4)] })).resolves.toMatchObject({
      status: 'HELD',
    });
    await sleep(300);
    expect(await outbox('booking.cancelled', bookingId)).toHaveLength(1);
  });

  it('a payment for a booking the expiry job already expired is refunded and does not take the seat back', async () => {
    h.deps.settings.holdTtlSeconds = 1;
    let pending: { bookingId: string; amount: number };
    try {
      pending = await payable('gina', [seat(5)]);
    } finally {
      h.deps.settings.holdTtlSeconds = 60;
    }
    await sleep(1_100);
    expect(await expireOverdueBookings(h.deps)).toBeGreaterThanOrEqual(1);
    const taken = await selectSeats(h.deps, user('hank'), { tripId: TRIP, seatIds: [seat(5)] });

    const late = succeeded(pending.bookingId, pending.amount, 'gina');
    await publisher.publish(late);
    const refund = await waitFor(async () => (await outbox('booking.cancelled', pending.bookingId))[0], 'the refund request');
    expect(refund).toMatchObject({ reason: 'PAID_AFTER_EXPIRY', paymentId: late.data.paymentId, refundAmount: pending.amount });
    expect((await booking(pending.bookingId)).status).toBe('EXPIRED');
    expect((await booking(taken.bookingId)).status).toBe('HELD');
    expect(await seatState(seat(5))).toBe('H');
  });

  it('a payment for a booking its owner released is refunded', async () => {
    const { bookingId, amount } = await payable('ivan', [seat(6)]);
    const released = await h.app.inject({ method: 'DELETE', url: `/api/bookings/${bookingId}`, headers: await h.auth('ivan') });
    expect(released.json()).toMatchObject({ status: 'CANCELLED' });
    const late = succeeded(bookingId, amount, 'ivan');
    await publisher.publish(late);
    await waitFor(
      async () => (await outbox('booking.cancelled', bookingId)).find((e) => e.paymentId === late.data.paymentId),
      'the refund request',
    ).then((e) => expect(e).toMatchObject({ reason: 'PAID_AFTER_CANCELLATION', refundAmount: amount }));
    expect((await booking(bookingId)).status).toBe('CANCELLED');
  });

  it('a failing handler is retried, not acked: nothing half-written, then confirmed once', async () => {
    const { bookingId, amount } = await payable('judy', [seat(7)]);
    outage.failNext = 1;
    outage.failed = 0;
    await publisher.publish(succeeded(bookingId, amount, 'judy'));
    await waitFor(() => outage.failed === 1, 'the failed attempt');
    await sleep(100); // the failed attempt's transaction rolls back
    expect(await booking(bookingId)).toMatchObject({ status: 'PENDING_PAYMENT', reference: null });
    expect(await outbox('booking.confirmed', bookingId)).toEqual([]);
    // The retry (after the first backoff, 1 s) succeeds.
    await waitFor(async () => (await booking(bookingId)).status === 'CONFIRMED', 'CONFIRMED after the retry');
    expect(await outbox('booking.confirmed', bookingId)).toHaveLength(1);
    expect(outage.failed).toBe(1);
  });
});

describe('payment.failed', () => {
  it('leaves the booking PENDING_PAYMENT so the traveller can pay again', async () => {
    const { bookingId, amount } = await payable('kate', [seat(8)]);
    const failed = buildEnvelope('payment.failed', {
      paymentId: randomUUID(),
      bookingId,
      userId: 'kate',
      amount,
      reason: 'CARD_DECLINED',
      retryable: false,
    });
    await publisher.publish(failed);
    await waitFor(async () => {
      const { rows } = await h.pool.query('SELECT 1 FROM processed_events WHERE event_id = $1', [failed.id]);
      return rows.length === 1;
    }, 'payment.failed processed');
    expect(await booking(bookingId)).toMatchObject({ status: 'PENDING_PAYMENT', reference: null });
    expect(await seatState(seat(8))).toBe('P');

    await publisher.publish(succeeded(bookingId, amount, 'kate'));
    await waitFor(async () => (await booking(bookingId)).status === 'CONFIRMED', 'CONFIRMED after the retry');
  });
});

describe('DELETE /api/bookings/:id of a CONFIRMED booking', () => {
  it('cancels it, frees the seats at once and asks for a refund of the payment; idempotent; owner only', async () => {
    const { bookingId, amount } = await payable('leo', [seat(9), seat(10)]);
    const paid = succeeded(bookingId, amount, 'leo');
    await publisher.publish(paid);
    await waitFor(async () => (await booking(bookingId)).status === 'CONFIRMED', 'CONFIRMED');
    await waitFor(async () => (await seatState(seat(9))) === 'C', 'the seat booked in Redis');

    const stranger = await h.app.inject({
      method: 'DELETE',
      url: `/api/bookings/${bookingId}`,
      headers: await h.auth('mallory'),
    });
    expect(stranger.statusCode).toBe(404);
    expect((await booking(bookingId)).status).toBe('CONFIRMED');

    const cancelled = await h.app.inject({ method: 'DELETE', url: `/api/bookings/${bookingId}`, headers: await h.auth('leo') });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toEqual({ bookingId, status: 'CANCELLED' });
    expect(await seatState(seat(9))).toBeUndefined();
    const refund = await waitFor(
      () => delivered.find((e) => e.type === 'booking.cancelled' && 'bookingId' in e.data && e.data.bookingId === bookingId),
      'booking.cancelled on the broker',
    );
    expect(refund.data).toMatchObject({
      paymentId: paid.data.paymentId,
      refundAmount: amount,
      reason: 'CANCELLED_BY_USER',
      reference: (await booking(bookingId)).reference,
    });

    const again = await h.app.inject({ method: 'DELETE', url: `/api/bookings/${bookingId}`, headers: await h.auth('leo') });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ bookingId, status: 'CANCELLED' });
    expect(await outbox('booking.cancelled', bookingId)).toHaveLength(1);
    await expect(selectSeats(h.deps, user('nina'), { tripId: TRIP, seatIds: [seat(9), seat(10)] })).resolves.toMatchObject({
      status: 'HELD',
    });
  });
});
