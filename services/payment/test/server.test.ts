/**
 * The real process (src/server.ts): it migrates an empty database, becomes ready only while the database and
 * the broker answer, relays committed events to RabbitMQ, and exits cleanly on SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@rail/db';
import { createTestIssuer, type TestIssuer } from '@rail/auth-verify/testing';
import { consumerQueueNames, deleteTopology, startTcpProxy, type TcpProxy } from '@rail/messaging/testing';
import { bookingCancelledQueue } from '../src/events/consumers.js';
import { newUserId, startFakeBookingService, type FakeBookingService } from './helpers.js';

const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const exchange = `test.payment-server.${randomBytes(5).toString('hex')}`;
// Its own queues: never consume (or delete) the ones of a development system on the same broker.
const queuePrefix = `test-payment-server-${randomBytes(5).toString('hex')}`;
const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

let db: TestDatabase;
let issuer: TestIssuer;
let jwksServer: Server;
let bookingService: FakeBookingService;
let proxy: TcpProxy;
let child: ChildProcess;
let base: string;
let output = '';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForStatus(url: string, status: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (got === status) return;
    if (Date.now() > deadline) throw new Error(`${url} answered ${got}, not ${status}\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  db = await createTestDatabase('payment_server');
  issuer = await createTestIssuer();
  jwksServer = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(issuer.jwks)),
  );
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  bookingService = await startFakeBookingService();
  proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(AMQP_URL).port || 5672) });
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = spawn(tsx, ['--conditions=@rail/source', 'src/server.ts'], {
    cwd: serviceDir,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: String(port),
      DATABASE_URL: db.url,
      AMQP_URL: proxy.urlFor(AMQP_URL),
      AMQP_EXCHANGE: exchange,
      QUEUE_PREFIX: queuePrefix,
      AUTH_JWKS_URL: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`,
      BOOKING_SERVICE_URL: bookingService.url,
      PROVIDER_LATENCY_MS: '0',
      SHUTDOWN_TIMEOUT_MS: '5000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForStatus(`${base}/health/ready`, 200);
}, 40_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await proxy?.close();
  await bookingService?.close();
  await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
  await deleteTopology(AMQP_URL, { exchange, queues: consumerQueueNames(bookingCancelledQueue(queuePrefix)) });
  await db?.drop();
});

describe('payment server process', () => {
  it('migrates, serves payments with real tokens, relays the event, tracks the broker in readiness, and shuts down on SIGTERM', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY name');
      expect(rows.map((r) => r.name)).toEqual([
        '0000_messaging_outbox',
        '0001_payments',
        '0002_idempotency_keys_replay',
        '0003_mock_provider_ledger',
        '0004_reconciliation',
        '0005_attempts_in_progress',
      ]);

      const userId = newUserId();
      const bookingId = '0b1c2d3e-4f50-4a61-8b72-839495a6b7c8';
      bookingService.bookings.set(bookingId, {
        bookingId,
        userId,
        status: 'PENDING_PAYMENT',
        amount: 640,
        currency: 'BDT',
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
        tripId: 3,
      });
      const headers = { authorization: `Bearer ${await issuer.sign({ sub: userId })}`, 'content-type': 'application/json' };
      const initiated = await fetch(`${base}/api/payments/initiate`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ bookingId }),
      });
      expect(initiated.status).toBe(201);
      const { paymentId } = (await initiated.json()) as { paymentId: string };
      const verified = await fetch(`${base}/api/payments/verify`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ paymentId, method: 'nagad', walletNumber: '01912345678', pin: '1234' }),
      });
      expect(await verified.json()).toEqual({ paymentId, status: 'SUCCEEDED' });
      // The mock provider charged over its own pool, not the service's (application_name tells them apart).
      const { rows: backends } = await client.query<{ name: string }>(
        'SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE datname = current_database()',
      );
      expect(backends.map((b) => b.name)).toEqual(expect.arrayContaining(['payment', 'payment-mock-provider']));

      // The relay published the event with a confirm.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const { rows: out } = await client.query("SELECT published_at FROM outbox WHERE type = 'payment.succeeded'");
        if (out[0]?.published_at) break;
        if (Date.now() > deadline) throw new Error(`event not relayed\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await client.end();
    }

    // The broker's metrics are on the app's /metrics: the refunds' dead-letter queue is watched like any other.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/messaging_dead_letter_messages\{[^}]*queue="[^"]*booking-cancelled"[^}]*\} 0/);

    proxy.cut();
    await waitForStatus(`${base}/health/ready`, 503);
    proxy.restore();
    await waitForStatus(`${base}/health/ready`, 200);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('shutdown complete');
  }, 40_000);
});
