#!/usr/bin/env node
// Measures what the train service's read caches buy: the same search load against the service with its
// caches on (defaults: search 2 s in Redis, availability 1 s) and off (TTL 0), in one run, on the same data.
//
//   node --import tsx --conditions=@rail/source load-testing/bench-search.mjs [--duration 10] [--connections 50]
//
// It creates a throwaway database seeded by the train service's own seed entry (as `npm run seed` does;
// the bench goes through the service's processes and HTTP, never its sources), starts the train service
// twice as a child process on a free port, stands in for the booking service's POST /internal/availability
// with a small HTTP server answering the contract (no seats taken), drives GET /api/trains/search with
// autocannon over a mix of routes and dates, and prints throughput and p50/p95/p99 latency for both runs.
// It drops the database and deletes its Redis keys afterwards.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createTestDatabase } from '@rail/db';
import { createRedis } from '@rail/redis';
import { dhakaDate } from './lib/system.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: opts } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' } },
});
const duration = Number(opts.duration);
const connections = Number(opts.connections);

const PAIRS = [
  ['Dhaka', 'Chattogram'],
  ['DHK', 'SYL'],
  ['dhaka', 'rajshahi'],
  ['Biman Bandar', 'Khulna'],
  ['CTG', "Cox's Bazar"],
  ['Bhairab Bazar', 'Cumilla'],
  ['Chattogram', 'Dhaka'],
  ['SYL', 'DHK'],
];

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startBookingStandIn() {
  let calls = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      calls++;
      const { queries } = JSON.parse(raw);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ results: queries.map((q) => ({ ...q, held: [], booked: [] })) }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, calls: () => calls, close: () => server.close() };
}

/** The train service's seed entry (migrates, loads the catalogue, publishes trips), as a child process. */
function seedTrain(env) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@rail/source', 'services/train/src/seed.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seeding train failed (exit ${code})`))));
  });
}

async function startTrain(env) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@rail/source', 'services/train/src/server.ts'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'warn', PORT: String(port), ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`train service exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('train service did not become ready');
}

function percentile(sorted, p) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function run(label, url, dates) {
  const requests = PAIRS.flatMap(([from, to]) =>
    dates.map((date) => ({
      method: 'GET',
      path: `/api/trains/search?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&date=${date}`,
    })),
  );
  // Warm-up: JIT, connection pools, in-process layout cache (both runs get it; it never expires).
  await autocannon({ url, connections: 10, amount: requests.length * 5, requests });
  const latencies = [];
  const instance = autocannon({ url, connections, duration, requests });
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  latencies.sort((a, b) => a - b);
  return {
    run: label,
    'req/s': Math.round(result.requests.average),
    'p50 ms': +percentile(latencies, 50).toFixed(2),
    'p95 ms': +percentile(latencies, 95).toFixed(2),
    'p99 ms': +percentile(latencies, 99).toFixed(2),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

const db = await createTestDatabase('train_bench');
const prefix = `bench:train:${randomBytes(4).toString('hex')}:`;
const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { name: 'bench-search' });
const booking = await startBookingStandIn();
const rows = [];
try {
  await seedTrain({ DATABASE_URL: db.url, SALES_WINDOW_DAYS: '10' });
  const dates = [0, 1, 2, 5, 10].map((d) => dhakaDate(d));
  const base = { DATABASE_URL: db.url, REDIS_KEY_PREFIX: prefix, BOOKING_SERVICE_URL: booking.url };
  for (const [label, env] of [
    ['cache on (search 2 s, availability 1 s)', { ...base }],
    ['cache off (TTL 0)', { ...base, SEARCH_CACHE_TTL_MS: '0', AVAILABILITY_CACHE_TTL_MS: '0' }],
  ]) {
    const service = await startTrain(env);
    const before = booking.calls();
    try {
      const row = await run(label, service.url, dates);
      rows.push({ ...row, 'booking calls': booking.calls() - before });
    } finally {
      // autocannon abandons its last in-flight requests; let the service finish them before it stops.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await service.stop();
    }
  }
} finally {
  booking.close();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
  await db.drop();
}

console.log(
  `\nGET /api/trains/search, ${PAIRS.length} station pairs x 5 dates, ${connections} connections, ${duration} s per run`,
);
console.log(`${new Date().toISOString()}  node ${process.version}\n`);
console.table(rows);
