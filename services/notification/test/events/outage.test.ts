import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEnvelope, createBroker, type Broker } from '@rail/messaging';
import { consumerQueueNames, deleteTopology, startTcpProxy, type TcpProxy } from '@rail/messaging/testing';
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
const { logger } = capturingLogger();
let stores: TestStores;
let redis: Redis;
let proxy: TcpProxy;
let consumerBroker: Broker;
let producer: Broker;
let deps: UseCaseDeps;

beforeAll(async () => {
  stores = await testStores();
  redis = stores.redis;
  proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(AMQP_URL).port || 5672) });
  consumerBroker = createBroker({
    url: proxy.urlFor(AMQP_URL),
    exchange,
    logger,
    service: 'notification-test',
    closeTimeoutMs: 500,
  });
  producer = createBroker({ url: AMQP_URL, exchange, logger, service: 'producer-test', closeTimeoutMs: 500 });
  deps = buildUseCaseDeps(config, logger, stores);
  await startConsumers(deps, {
    broker: consumerBroker,
    redis,
    prefix: config.REDIS_KEY_PREFIX,
    queuePrefix,
    retryDelaysMs: FAST,
  });
});

afterAll(async () => {
  await Promise.all([consumerBroker.close(), producer.close()]);
  await proxy.close();
  await deleteTopology(AMQP_URL, {
    exchange,
    queues: CONSUMED_EVENTS.flatMap((type) => consumerQueueNames(queueFor(queuePrefix, type), FAST)),
  });
  await stores.close(config.REDIS_KEY_PREFIX);
});

describe('notification while its broker connection is down', () => {
  it('receives every ticket after reconnecting, each exactly once', async () => {
    proxy.cut();
    await waitFor(() => !consumerBroker.isConnected(), 5_000, 'disconnection');
    const bookings = [1, 2, 3].map((i) => confirmedBooking({ contact: { phone: `0171300000${i}` } }));
    const events = bookings.map((b) => buildEnvelope('booking.confirmed', b));
    for (const e of [...events, events[0]!]) await producer.publish(e); // waits in the durable queue
    await sleep(300);
    expect(await deps.dispatcher.readInbox('01713000001')).toHaveLength(0);

    proxy.restore();
    await waitFor(() => consumerBroker.isConnected(), 10_000, 'reconnection');
    await waitFor(
      async () =>
        (await Promise.all([1, 2, 3].map((i) => deps.dispatcher.readInbox(`0171300000${i}`)))).every((m) => m.length > 0),
      10_000,
      'every ticket',
    );
    await sleep(300);
    for (const i of [1, 2, 3]) {
      const messages = await deps.dispatcher.readInbox(`0171300000${i}`);
      expect(messages).toHaveLength(1);
      expect(messages[0]!.kind).toBe('ticket');
    }
  });
});
