// Benchmark of the hot path, POST /api/bookings/seats/select, over real HTTP with autocannon:
//   baseline  a bare node:http hello-world server (the machine's ceiling for one Node process)
//   hot       everyone wants the same 8 seats (almost every answer is a 409 from Redis alone)
//   spread    random seats over many trips (mostly 201: Redis hold + one PostgreSQL transaction)
// It starts one booking service (real PostgreSQL database created for the run and dropped afterwards, a
// random Redis key prefix whose keys are deleted afterwards) with a stand-in train inventory + JWKS.
// Usage: npm run bench:select -- [--seconds 10] [--connections 100] [--users 20000] [--profile]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { mkdirSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Redis } from 'ioredis';
import { startStub, seatIdsOf } from './bench/inventory-stub.mjs';
import { run } from './bench/run-autocannon.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '100' },
    users: { type: 'string', default: '20000' },
    trips: { type: 'string', default: '200' },
    profile: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const userCount = Number(values.users);
const tripIds = Array.from({ length: Number(values.trips) }, (_, i) => 9000 + i);
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const runId = randomBytes(4).toString('hex');
const dbName = `booking_bench_${runId}`;
const prefix = `bench:booking:${runId}:`;
const root = new URL('..', import.meta.url).pathname;

const children = [];
function startChild(args, env, name) {
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.on('data', () => undefined);
  child.on('exit', (code, signal) => {
    if (code && !signal) console.error(`${name} exited with ${code}\n${stderr}`);
  });
  return child;
}

async function waitFor(url, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
  const admin = new pg.Client({ connectionString: `${PG}/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
  await admin.end();
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

const stub = await startStub({ trips: tripIds });
try {
  // Hello-world baseline, its own process like the service.
  const helloPort = await freePort();
  startChild(
    [
      '-e',
      `require('http').createServer((q,s)=>{s.setHeader('content-type','application/json');s.end('{"hello":"world"}')}).listen(${helloPort},'127.0.0.1')`,
    ],
    {},
    'hello',
  );
  const bookingPort = await freePort();
  if (values.profile) mkdirSync(`${root}load-testing/results/profiles`, { recursive: true });
  startChild(
    [
      ...(values.profile ? ['--cpu-prof', '--cpu-prof-dir', `${root}load-testing/results/profiles`] : []),
      '--conditions=@rail/source',
      '--import',
      'tsx',
      'services/booking/src/server.ts',
    ],
    {
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      PORT: String(bookingPort),
      DATABASE_URL: `${PG}/${dbName}`,
      DB_POOL_MAX: '20',
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      TRAIN_SERVICE_URL: stub.url,
      AUTH_JWKS_URL: stub.jwksUrl,
    },
    'booking',
  );
  await waitFor(`http://127.0.0.1:${helloPort}/`);
  await waitFor(`http://127.0.0.1:${bookingPort}/health/ready`);

  console.log(`signing ${userCount} tokens...`);
  const tokens = await Promise.all(Array.from({ length: userCount }, (_, i) => stub.sign(`bench-user-${i}`)));
  let n = 0;
  const nextToken = () => tokens[n++ % tokens.length];
  const select = (body) => ({
    method: 'POST',
    path: '/api/bookings/seats/select',
    setupRequest: (req) => ({
      ...req,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${nextToken()}` },
      body: JSON.stringify(body()),
    }),
  });
  const hotTrip = tripIds[0];
  const hotSeats = seatIdsOf(hotTrip).slice(0, 8);
  const spreadTrips = tripIds.slice(1);
  const pick = (a) => a[Math.floor(Math.random() * a.length)];

  // Warm-up: loads the trips' inventories and Redis state, JIT-compiles the path.
  await run({
    url: `http://127.0.0.1:${bookingPort}`,
    connections: 10,
    seconds: 2,
    requests: [select(() => ({ tripId: pick(tripIds), seatIds: [pick(seatIdsOf(hotTrip))] }))],
  });

  const results = {};
  results.baseline = await run({ url: `http://127.0.0.1:${helloPort}/`, connections, seconds });
  console.log('baseline', results.baseline);
  results.hot = await run({
    url: `http://127.0.0.1:${bookingPort}`,
    connections,
    seconds,
    requests: [select(() => ({ tripId: hotTrip, seatIds: [pick(hotSeats)] }))],
  });
  console.log('hot', results.hot);
  results.spread = await run({
    url: `http://127.0.0.1:${bookingPort}`,
    connections,
    seconds,
    requests: [
      select(() => {
        const tripId = pick(spreadTrips);
        const seats = seatIdsOf(tripId);
        const from = Math.floor(Math.random() * 4);
        return { tripId, seatIds: [pick(seats)], from: ['DHK', 'BHB', 'AKH', 'CML'][from], to: 'CTG' };
      }),
    ],
  });
  console.log('spread', results.spread);

  const fmt = (name, r) =>
    `| ${name} | ${r.rps} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.statuses[201] ?? 0} | ${r.statuses[409] ?? 0} | ${
      Object.entries(r.statuses)
        .filter(([s]) => s !== '201' && s !== '409' && s !== '200')
        .reduce((a, [, c]) => a + c, 0) + r.errors
    } |`;
  console.log(
    `\nselect benchmark — ${new Date().toISOString()} — ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  console.log(`${connections} connections, ${seconds} s per variant, ${userCount} users, 1 booking process\n`);
  console.log('| variant | req/s | p50 ms | p95 ms | p99 ms | 201 | 409 | other/errors |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  console.log(fmt('hello-world (node:http)', { ...results.baseline, statuses: { ...results.baseline.statuses } }));
  console.log(fmt('select, hot seats (8 seats)', results.hot));
  console.log(fmt('select, spread seats', results.spread));
} finally {
  await stub.close();
  await cleanup();
}
