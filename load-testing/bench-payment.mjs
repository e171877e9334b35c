// Benchmark of paying: POST /api/payments/initiate then POST /api/payments/verify (card 4242..., a fresh
// Idempotency-Key each), by `--connections` virtual users in a closed loop (each starts its next booking when its
// verify has answered), against ONE payment process per pool size, over real HTTP (load-testing/lib/http.mjs).
// For each DATABASE_POOL_MAX in --pools it starts services/payment/src/server.ts (tsx, on a free ephemeral port,
// never 3001-3005/3013/3023/8080) on a PostgreSQL database created for that run and dropped afterwards, its own
// RabbitMQ exchange and consumer queue (deleted afterwards), a stand-in booking service (GET /internal/bookings/:id
// for the bookings this script makes up) and a JWKS (load-testing/bench/inventory-stub.mjs). The mock provider
// answers after PROVIDER_LATENCY_MS (--provider-latency, default 150 as in production config).
// Reported per pool size: verify and initiate req/s, p50/p95/p99/max, statuses (any 5xx or socket error marks the
// run FAILED), the money check afterwards (SUCCEEDED payments vs charges in the provider's ledger, attempts left in
// progress), CPU of the payment process and of its PostgreSQL backends per paid booking, and the machine's load
// average and other CPU use during the window (the machine is shared).
// Usage: node load-testing/bench-payment.mjs [--pools 5,10,20] [--seconds 15] [--connections 40]
//        [--provider-pool 5] [--provider-latency 150] [--label text] [--server services/payment/src/server.ts]
// --server  the payment service's entry to start (e.g. an export of an older commit, for a before/after figure:
//           `git archive <commit> services/payment | tar -x -C /tmp/before && ln -s $PWD/node_modules /tmp/before/`).
import { spawn, execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startStub } from './bench/inventory-stub.mjs';
import { createClient } from './lib/http.mjs';
import { startCpuWindow } from './lib/cpu.mjs';
import { RESULTS_DIR, machine, saveResult } from './lib/report.mjs';

const { values } = parseArgs({
  options: {
    pools: { type: 'string', default: '5,10,20' },
    seconds: { type: 'string', default: '15' },
    connections: { type: 'string', default: '40' },
    'provider-pool': { type: 'string', default: '' },
    'provider-latency': { type: 'string', default: '150' },
    'log-level': { type: 'string', default: 'warn' },
    label: { type: 'string', default: '' },
    server: { type: 'string', default: 'services/payment/src/server.ts' },
  },
});
const pools = values.pools.split(',').map(Number);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const root = new URL('..', import.meta.url).pathname;
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const logDir = join(RESULTS_DIR, 'logs');
mkdirSync(logDir, { recursive: true });
const TSX = ['--conditions=@rail/source', '--import', 'tsx'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function waitFor(check, what, ms = 60_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${what} did not come up`);
    await sleep(200);
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(1);
}

function summary(samples) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const statuses = {};
  for (const s of samples) {
    const k = s.status === 0 ? `no-answer(${s.error})` : `${s.status}${s.code ? ` ${s.code}` : ''}`;
    statuses[k] = (statuses[k] ?? 0) + 1;
  }
  return {
    count: samples.length,
    rps: +(samples.length / seconds).toFixed(1),
    p50: percentile(ms, 50),
    p95: percentile(ms, 95),
    p99: percentile(ms, 99),
    max: ms.length ? +ms[ms.length - 1].toFixed(1) : null,
    statuses,
    failures: samples.filter((s) => s.status === 0 || s.status >= 500).length,
  };
}

// Stand-in booking service: every booking this script made up is PENDING_PAYMENT for its user.
const bookings = new Map();
const bookingStub = createServer((req, res) => {
  const m = /^\/internal\/bookings\/([^/?]+)$/.exec(req.url ?? '');
  const booking = m && bookings.get(m[1]);
  if (!booking) return res.writeHead(404, { 'content-type': 'application/problem+json' }).end('{"status":404}');
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(booking));
});
await new Promise((r) => bookingStub.listen(0, '127.0.0.1', r));
const bookingUrl = `http://127.0.0.1:${bookingStub.address().port}`;
const stub = await startStub({ trips: [] });
const admin = new pg.Client({ connectionString: `${PG}/postgres`, application_name: 'bench-payment-monitor' });
await admin.connect();

const users = Array.from({ length: connections }, (_, i) => `bench-pay-user-${i}`);
const tokens = await Promise.all(users.map((u) => stub.sign(u)));

async function runOne(poolMax) {
  const runId = randomBytes(4).toString('hex');
  const dbName = `payment_bench_${runId}`;
  const exchange = `bench.payment.${runId}`;
  const queuePrefix = `bench-payment-${runId}`;
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const port = await freePort();
  const out = openSync(join(logDir, `bench-payment-${stamp}-pool${poolMax}.log`), 'w');
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: values['log-level'],
    PORT: String(port),
    DATABASE_URL: `${PG}/${dbName}`,
    DATABASE_POOL_MAX: String(poolMax),
    ...(values['provider-pool'] ? { PROVIDER_DATABASE_POOL_MAX: values['provider-pool'] } : {}),
    PROVIDER_LATENCY_MS: values['provider-latency'],
    AMQP_URL,
    AMQP_EXCHANGE: exchange,
    QUEUE_PREFIX: queuePrefix,
    BOOKING_SERVICE_URL: bookingUrl,
    AUTH_JWKS_URL: stub.jwksUrl,
  };
  const child = spawn(process.execPath, [...TSX, values.server], {
    cwd: root,
    env,
    stdio: ['ignore', out, 'pipe'],
  });
  closeSync(out);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const client = createClient({ baseUrl: `http://127.0.0.1:${port}`, maxSockets: connections * 2 });
  const result = { poolMax, runId };
  try {
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok, 'payment service');
    const newBooking = (i) => {
      const bookingId = randomUUID();
      bookings.set(bookingId, {
        bookingId,
        userId: users[i],
        status: 'PENDING_PAYMENT',
        amount: 1_250,
        currency: 'BDT',
        expiresAt: new Date(Date.now() + 30 * 60_000).toISOString(),
        tripId: 1,
      });
      return bookingId;
    };
    const flow = async (i, record) => {
      const bookingId = newBooking(i);
      const init = await client.request({
        method: 'POST',
        path: '/api/payments/initiate',
        token: tokens[i],
        body: { bookingId },
      });
      record?.initiate.push({ ms: init.ms, status: init.status, code: init.body?.code, error: init.error });
      if (init.status !== 200 && init.status !== 201) return;
      const ver = await client.request({
        method: 'POST',
        path: '/api/payments/verify',
        token: tokens[i],
        headers: { 'idempotency-key': randomUUID() },
        body: { paymentId: init.body.paymentId, method: 'card', cardNumber: '4242424242424242', expiry: '12/39', cvc: '123' },
      });
      record?.verify.push({ ms: ver.ms, status: ver.status, code: ver.body?.code, error: ver.error });
    };
    // Warm-up: JIT, pool connections, the JWKS fetched.
    {
      const until = Date.now() + 3_000;
      await Promise.all(
        users.slice(0, 10).map(async (_, i) => {
          while (Date.now() < until) await flow(i);
        }),
      );
    }
    const backends = async () =>
      (await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName])).rows.map((r) => r.pid);
    const window = await startCpuWindow({
      processes: { payment: child.pid, loadgen: process.pid },
      groups: { postgres: backends },
    });
    const record = { initiate: [], verify: [] };
    const until = Date.now() + seconds * 1000;
    await Promise.all(
      users.map(async (_, i) => {
        while (Date.now() < until) await flow(i, record);
      }),
    );
    await sleep(500);
    const cpu = await window.stop();
    const db = new pg.Client({ connectionString: `${PG}/${dbName}` });
    await db.connect();
    const money = (
      await db.query(`SELECT
        (SELECT count(*)::int FROM payments WHERE status = 'SUCCEEDED') AS succeeded,
        (SELECT count(*)::int FROM mock_provider_charges WHERE outcome = 'succeeded') AS charges,
        (SELECT count(*)::int FROM outbox WHERE type = 'payment.succeeded') AS events`)
    ).rows[0];
    const pending = await db
      .query("SELECT count(*)::int AS n FROM payment_attempts WHERE outcome = 'pending'")
      .then((r) => r.rows[0].n)
      .catch(() => null); // the schema before attempts in progress were recorded has no such outcome
    await db.end();
    const verify = summary(record.verify);
    const initiate = summary(record.initiate);
    const paid = record.verify.filter((s) => s.status === 200).length;
    Object.assign(result, {
      verify,
      initiate,
      money: { ...money, pendingAttempts: pending },
      cpuMsPerPaidBooking: {
        payment: paid ? +(cpu.processesMs.payment / paid).toFixed(2) : null,
        postgres: paid ? +(cpu.groups.postgres.cpuMs / paid).toFixed(2) : null,
      },
      machine: {
        loadavgBefore: cpu.loadavgBefore[0],
        loadavgAfter: cpu.loadavgAfter[0],
        busy: Math.round(cpu.machine.utilisation * 100),
        othersCores: cpu.machine.othersCores,
        topOthers: cpu.machine.topOthers.slice(0, 3).map((o) => `${o.command.slice(0, 30)} ${Math.round(o.cpuMs)}`),
      },
      valid: verify.failures === 0 && initiate.failures === 0 && money.succeeded === money.charges,
    });
    console.log(`pool ${poolMax}:`, JSON.stringify({ verify: verify.rps, p99: verify.p99, statuses: verify.statuses, money }));
  } catch (err) {
    result.error = `${err.message}\n${stderr.slice(-2000)}`;
    result.valid = false;
    console.error(`pool ${poolMax} failed:`, result.error);
  } finally {
    client.close();
    child.kill('SIGTERM');
    await Promise.race([new Promise((r) => child.once('exit', r)), sleep(8000)]);
    await admin
      .query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`)
      .catch((e) => console.error('drop database:', e.message));
    await new Promise((resolve) =>
      execFile(
        process.execPath,
        [
          ...TSX,
          '--input-type=module',
          '-e',
          "import { consumerQueueNames, deleteTopology } from '@rail/messaging/testing';" +
            "import { bookingCancelledQueue } from './services/payment/src/events/consumers.ts';" +
            'const [url, exchange, prefix] = process.argv.slice(1);' +
            'await deleteTopology(url, { exchange, queues: consumerQueueNames(bookingCancelledQueue(prefix)) });',
          AMQP_URL,
          exchange,
          queuePrefix,
        ],
        { cwd: root },
        (err, _o, e) => {
          if (err) console.error('RabbitMQ cleanup failed:', e || err.message);
          resolve();
        },
      ),
    );
  }
  return result;
}

const runs = [];
try {
  for (const poolMax of pools) runs.push(await runOne(poolMax));
} finally {
  await admin.end().catch(() => undefined);
  await stub.close();
  await new Promise((r) => bookingStub.close(r));
}

const m = machine();
const st = (s) =>
  Object.entries(s ?? {})
    .map(([k, n]) => `${k}: ${n}`)
    .join(', ');
const lines = [
  `## payment benchmark — ${new Date().toISOString()}${values.label ? ` — ${values.label}` : ''}`,
  '',
  `${m.cores} x ${m.cpu}, node ${m.node}; ${connections} virtual users in a closed loop (initiate, then verify with a fresh ` +
    `Idempotency-Key), ${seconds} s per pool size, provider latency ${values['provider-latency']} ms, ` +
    `PROVIDER_DATABASE_POOL_MAX ${values['provider-pool'] || '(default)'}, 1 payment process.`,
  `Command: \`node load-testing/bench-payment.mjs ${process.argv.slice(2).join(' ')}\``,
  '',
  '| DATABASE_POOL_MAX | outcome | verify req/s | verify p50 / p95 / p99 / max ms | verify statuses | initiate req/s | initiate p99 ms | initiate statuses | paid / charges / events / in progress | CPU ms per paid booking (payment / PG) | load avg before → after | machine busy | others (cores) |',
  '|---:|---|---:|---|---|---:|---:|---|---|---|---|---:|---:|',
  ...runs.map((r) =>
    r.error
      ? `| ${r.poolMax} | **FAILED to run**: ${r.error.split('\n')[0]} | | | | | | | | | | | |`
      : `| ${r.poolMax} | ${r.valid ? 'ok' : '**FAILED** (5xx, no answer or money mismatch)'} | ${r.verify.rps} | ${r.verify.p50} / ${r.verify.p95} / ${r.verify.p99} / ${r.verify.max} | ${st(r.verify.statuses)} | ${r.initiate.rps} | ${r.initiate.p99} | ${st(r.initiate.statuses)} | ${r.money.succeeded} / ${r.money.charges} / ${r.money.events} / ${r.money.pendingAttempts ?? '-'} | ${r.cpuMsPerPaidBooking.payment} / ${r.cpuMsPerPaidBooking.postgres} | ${r.machine.loadavgBefore} → ${r.machine.loadavgAfter} | ${r.machine.busy} % | ${r.machine.othersCores} |`,
  ),
];
saveResult('bench-payment', { options: values, runs }, lines.join('\n'));
