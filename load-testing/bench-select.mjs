// Benchmark of the hot path, POST /api/bookings/seats/select, over real HTTP with autocannon. The headline figure is
// CPU per request from the kernel's accounting (/proc), per process, next to two baselines driven by the same client
// in the same run:
//   floor     a bare node:http hello-world in its own process (the least a Node HTTP request can cost here)
//   app       a hello-world route of our own app factory (@rail/http createApp + runServer: the house plugins,
//             access log, metrics, validation), in its own process: load-testing/bench/app-hello.mjs
//   hot       everyone wants the same 8 seats (almost every answer is a 409 from Redis alone): the losing select
//   spread    random seats over many trips (mostly 201: Redis hold + one PostgreSQL transaction): the winning select
//   pick      "pick for me" (no seat ids: class and count, the service chooses; issue 12) over other trips: mostly 201
// Processes measured in every window: the serving process, Redis (by default the bench's own redis-server on a free
// port, so nobody else's traffic is in its figure), the PostgreSQL backends of the bench's own database (listed from
// pg_stat_activity every 500 ms; backends that exit mid-window are counted up to their last sample), and the load
// generator (this process) separately; plus the machine's other load (CPU of everything else, load average).
// It starts one booking service (a PostgreSQL database created for the run and dropped afterwards, its own Redis, its
// own RabbitMQ exchange and queues, deleted afterwards) with a stand-in train inventory + JWKS. Every port is a free
// ephemeral one from the kernel (never 3001-3005/3013/3023/8080).
// Usage: npm run bench:select -- [--seconds 10] [--connections 100] [--users 20000] [--profile] [--redis own|shared]
//        [--log-level warn] [--label text]
// --profile  also writes one CPU profile per variant of the app hello-world, hot and spread windows (V8's profiler,
//            started/stopped around each window by load-testing/bench/profiler.mjs) to load-testing/results/profiles/
//            and prints their top self-time functions (load-testing/bench/cpuprofile-top.mjs). Profiling costs CPU:
//            the CPU figures of a --profile run are not comparable with a plain run's.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Redis } from 'ioredis';
import { startStub, seatIdsOf } from './bench/inventory-stub.mjs';
import { run } from './bench/run-autocannon.mjs';
import { profileMarkdown, summarizeProfile } from './bench/cpuprofile-top.mjs';
import {
  PROFILER,
  ROOT as root,
  TSX,
  createChildren,
  freePort,
  httpUp,
  machineRows,
  measuredCode,
  round,
  settle,
  sleep,
  startBaselines,
  startOwnRedis,
  waitForFile,
} from './bench/harness.mjs';
import { findPid, startCpuWindow } from './lib/cpu.mjs';
import { RESULTS_DIR, machine, saveResult } from './lib/report.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '100' },
    users: { type: 'string', default: '20000' },
    trips: { type: 'string', default: '200' },
    profile: { type: 'boolean', default: false },
    redis: { type: 'string', default: 'own' },
    'log-level': { type: 'string', default: 'warn' },
    label: { type: 'string', default: '' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const userCount = Number(values.users);
const logLevel = values['log-level'];
const tripIds = Array.from({ length: Number(values.trips) }, (_, i) => 9000 + i);
const PG = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const runId = randomBytes(4).toString('hex');
const dbName = `booking_bench_${runId}`;
const prefix = `bench:booking:${runId}:`;
const exchange = `bench.select.${runId}`;
const queuePrefix = `bench-select-${runId}`;
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const profileDir = join(RESULTS_DIR, 'profiles');
const logDir = join(RESULTS_DIR, 'logs');
const GOALS = { app: 2, hot: 4, spread: 10, pick: 10 }; // issue 13: multiples of the floor's CPU per request (pick: a winner too)

const children = createChildren({ bench: 'bench-select', stamp, logDir });

let redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const admin = new pg.Client({ connectionString: `${PG}/postgres`, application_name: 'bench-select-monitor' });

async function cleanup() {
  await children.stop();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch((e) => console.error('drop database:', e.message));
  await admin.end().catch(() => undefined);
  if (values.redis === 'shared') {
    const redis = new Redis(redisUrl);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
    await redis.quit();
  }
  await new Promise((resolve) =>
    execFile(
      process.execPath,
      [...TSX, 'load-testing/bench/cleanup-amqp.mjs', 'booking', AMQP_URL, exchange, queuePrefix],
      { cwd: root },
      (err, _o, e) => {
        if (err) console.error('RabbitMQ cleanup failed:', e || err.message);
        resolve();
      },
    ),
  );
}

const code = measuredCode(['services/booking', 'packages']);
const stub = await startStub({ trips: tripIds });
const results = { code, variants: {}, profiles: {} };
try {
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);

  // Redis: our own server unless told to share the machine's (then its CPU includes everyone's traffic).
  let redisPid;
  if (values.redis === 'own') {
    const own = await startOwnRedis(children);
    redisPid = own.pid;
    redisUrl = own.url;
  } else {
    const port = new URL(redisUrl).port || '6379';
    redisPid = findPid(new RegExp(`^(\\S*/)?redis-server \\S*:${port}\\b`));
    if (!redisPid) throw new Error(`no redis-server for port ${port} found in /proc`);
  }

  const profileEnv = (name) => (values.profile ? { CPU_PROFILE_DIR: profileDir, CPU_PROFILE_NAME: `${name}-${runId}` } : {});
  const baselines = await startBaselines(children, {
    logLevel,
    appArgs: values.profile ? PROFILER : [],
    appEnv: profileEnv('app'),
  });
  const bookingPort = await freePort();
  const booking = children.start(
    process.execPath,
    [...(values.profile ? PROFILER : []), ...TSX, 'services/booking/src/server.ts'],
    {
      NODE_ENV: 'development',
      LOG_LEVEL: logLevel,
      PORT: String(bookingPort),
      DATABASE_URL: `${PG}/${dbName}`,
      DATABASE_POOL_MAX: '20',
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      AMQP_URL,
      AMQP_EXCHANGE: exchange,
      QUEUE_PREFIX: queuePrefix,
      TRAIN_SERVICE_URL: stub.url,
      AUTH_JWKS_URL: stub.jwksUrl,
      ...profileEnv('booking'),
    },
    'booking',
  );
  await httpUp(`http://127.0.0.1:${bookingPort}/health/ready`);

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
  // Spread and pick use different trips, so the one does not find the other's seats taken.
  const spreadTrips = tripIds.slice(1, Math.max(2, Math.ceil(tripIds.length / 2)));
  const pickTrips = tripIds.slice(spreadTrips.length + 1);
  const pick = (a) => a[Math.floor(Math.random() * a.length)];

  // Warm-up: loads the trips' inventories and Redis state, JIT-compiles every server's path, opens the pool.
  // (Its seats are not the hot seats, so all 8 hot seats are still free when the hot variant starts.)
  await run({
    url: `http://127.0.0.1:${bookingPort}`,
    connections: 20,
    seconds: 3,
    requests: [select(() => ({ tripId: pick(tripIds), seatIds: [pick(seatIdsOf(hotTrip).slice(8))] }))],
  });
  await run({ url: baselines.floorUrl, connections: 10, seconds: 1 });
  await run({ url: baselines.appUrl, connections: 10, seconds: 1 });

  const backendsOfDb = async () =>
    (await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName])).rows.map((r) => r.pid);
  const pids = { hello: baselines.hello.pid, app: baselines.app.pid, booking: booking.pid };
  const variants = [
    { key: 'floor', label: 'floor: hello-world (bare node:http)', serving: 'hello', url: baselines.floorUrl },
    { key: 'app', label: 'app hello-world (@rail/http createApp)', serving: 'app', url: baselines.appUrl },
    {
      key: 'hot',
      label: 'select, hot seats (8 seats): losers, 409',
      serving: 'booking',
      url: `http://127.0.0.1:${bookingPort}`,
      requests: [select(() => ({ tripId: hotTrip, seatIds: [pick(hotSeats)] }))],
    },
    {
      key: 'spread',
      label: 'select, spread seats: winners, 201',
      serving: 'booking',
      url: `http://127.0.0.1:${bookingPort}`,
      requests: [
        select(() => {
          const tripId = pick(spreadTrips);
          const seats = seatIdsOf(tripId);
          const from = Math.floor(Math.random() * 4);
          return { tripId, seatIds: [pick(seats)], from: ['DHK', 'BHB', 'AKH', 'CML'][from], to: 'CTG' };
        }),
      ],
    },
    {
      key: 'pick',
      label: 'select, pick for me (1 seat of a class): winners, 201',
      serving: 'booking',
      url: `http://127.0.0.1:${bookingPort}`,
      requests: [
        select(() => ({
          tripId: pick(pickTrips.length > 0 ? pickTrips : spreadTrips),
          class: pick(['SHOVAN', 'S_CHAIR', 'SNIGDHA', 'AC_S']),
          count: 1,
          from: pick(['DHK', 'BHB', 'AKH', 'CML']),
          to: 'CTG',
        })),
      ],
    },
  ];

  // Background cost with no load (outbox relay and expiry job polling): shows what every window carries anyway.
  {
    const w = await startCpuWindow({
      processes: { ...pids, redis: redisPid, loadgen: process.pid },
      groups: { postgres: backendsOfDb },
    });
    await sleep(3000);
    results.idle = await w.stop();
  }

  const profiled = new Set(['app', 'hot', 'spread', 'pick']);
  for (const v of variants) {
    const profileThis = values.profile && profiled.has(v.key);
    if (profileThis) {
      process.kill(pids[v.serving], 'SIGWINCH');
      await sleep(300);
    }
    const window = await startCpuWindow({
      // Every bench process is in every window (so none of them counts as the machine's other load); the
      // server total of a variant uses only its serving process (+ Redis and PostgreSQL for the select).
      processes: { ...pids, redis: redisPid, loadgen: process.pid },
      groups: { postgres: backendsOfDb },
    });
    const load = await run({ url: v.url, connections, seconds, ...(v.requests ? { requests: v.requests } : {}) });
    const settleMs = await settle(window, v.serving);
    const cpu = await window.stop();
    if (profileThis) {
      const count = (results.profileCounts ??= {});
      count[v.serving] = (count[v.serving] ?? 0) + 1;
      process.kill(pids[v.serving], 'SIGWINCH');
      const written = join(profileDir, `${v.serving}-${runId}-${count[v.serving]}.cpuprofile`);
      await waitForFile(written);
      const file = join(profileDir, `bench-select-${stamp}-${v.key}.cpuprofile`);
      renameSync(written, file);
      results.profiles[v.key] = { file, summary: summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), 15) };
    }
    const perReq = (ms) => (ms === null || ms === undefined || load.total === 0 ? null : round((ms * 1000) / load.total, 1));
    const servingMs = cpu.processesMs[v.serving];
    const server = v.serving === 'booking' ? servingMs + cpu.processesMs.redis + cpu.groups.postgres.cpuMs : servingMs; // baselines: their process only
    results.variants[v.key] = {
      label: v.label,
      serving: v.serving,
      ...load,
      settleMs,
      cpu,
      usPerRequest: {
        [v.serving]: perReq(servingMs),
        redis: perReq(cpu.processesMs.redis),
        postgres: perReq(cpu.groups.postgres.cpuMs),
        [`${v.serving}MainThread`]: perReq(cpu.mainThreadMs[v.serving]),
        server: perReq(server),
        loadgen: perReq(cpu.processesMs.loadgen),
      },
    };
    console.log(v.key, JSON.stringify(results.variants[v.key].usPerRequest), `${load.rps} req/s`, JSON.stringify(load.statuses));
  }

  // Multiples of the floor and the goals.
  const floor = results.variants.floor.usPerRequest.server;
  for (const [key, r] of Object.entries(results.variants)) {
    r.multipleOfFloor = {
      server: round(r.usPerRequest.server / floor, 2),
      servingProcess: round(r.usPerRequest[r.serving] / floor, 2),
    };
    if (GOALS[key] !== undefined) {
      r.goal = {
        maxMultiple: GOALS[key],
        server: r.multipleOfFloor.server <= GOALS[key] ? 'PASS' : 'MISS',
        servingProcess: r.multipleOfFloor.servingProcess <= GOALS[key] ? 'PASS' : 'MISS',
      };
    }
  }
} finally {
  await stub.close();
  await cleanup();
}

// ---- report ----
const V = results.variants;
const other = (r) =>
  Object.entries(r.statuses)
    .filter(([s]) => !['200', '201', '409'].includes(s))
    .reduce((a, [, c]) => a + c, 0) +
  r.errors +
  r.timeouts;
// A run with any answer other than the expected ones (or a socket error) is reported as failed, not as figures.
const unexpected = Object.values(V).reduce(
  (a, r) => a + other(r) + (r.serving === 'booking' ? (r.statuses[200] ?? 0) : (r.statuses[201] ?? 0) + (r.statuses[409] ?? 0)),
  0,
);
results.valid = unexpected === 0;
const f = (v) => (v === null || v === undefined ? '-' : String(v));
const m = machine();
const lines = [
  `## select benchmark — ${new Date().toISOString()}${values.label ? ` — ${values.label}` : ''}`,
  '',
  `${m.cores} x ${m.cpu}, ${m.memoryGiB} GiB, node ${m.node}; ${connections} connections, ${seconds} s per variant, ` +
    `${userCount} users, 1 process per server, LOG_LEVEL=${logLevel}, Redis: ${values.redis === 'own' ? "the bench's own redis-server" : 'the shared one (its CPU includes other traffic)'}` +
    `${values.profile ? '; **profiled run (CPU figures inflated by the profiler)**' : ''}.`,
  `Command: \`npm run bench:select -- ${process.argv.slice(2).join(' ')}\``,
  `Code: ${code.commit}${code.uncommitted.length ? ` plus uncommitted changes in services/booking or packages/: ${code.uncommitted.join(', ')}` : ', services/booking and packages/ as committed'}.`,
  '',
  results.valid
    ? 'Outcome: every answer was an expected one.'
    : `**FAILED RUN: ${unexpected} unexpected answers or socket errors; do not use its figures.**`,
  '',
  '| variant | req/s | p50 ms | p95 ms | p99 ms | 200 | 201 | 409 | other/errors |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...Object.values(V).map(
    (r) =>
      `| ${r.label} | ${r.rps} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.statuses[200] ?? 0} | ${r.statuses[201] ?? 0} | ${r.statuses[409] ?? 0} | ${other(r)} |`,
  ),
  '',
  'CPU per request (µs, kernel accounting: utime+stime over the window incl. settle), multiple of the floor, goal:',
  '',
  '| variant | serving process | of which main thread | Redis | PostgreSQL backends | server total | load generator | x floor (total) | x floor (process) | goal |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ...Object.entries(V).map(([, r]) => {
    const u = r.usPerRequest;
    const goal = r.goal ? `≤ ${r.goal.maxMultiple}x: **${r.goal.server}** (process alone: ${r.goal.servingProcess})` : 'floor';
    const pgNote = r.serving === 'booking' ? f(u.postgres) : `(${f(u.postgres)})`;
    const redisNote = r.serving === 'booking' ? f(u.redis) : `(${f(u.redis)})`;
    return `| ${r.label} | ${f(u[r.serving])} | ${f(u[`${r.serving}MainThread`])} | ${redisNote} | ${pgNote} | ${f(u.server)} | ${f(u.loadgen)} | ${f(r.multipleOfFloor.server)} | ${f(r.multipleOfFloor.servingProcess)} | ${goal} |`;
  }),
  '',
  'The serving process is all its threads; "main thread" is the JavaScript thread alone (the rest: V8 GC/compiler',
  'workers and the libuv pool, where WebCrypto signature checks run).',
  'Baselines count their own process only; Redis/PostgreSQL figures in brackets are the booking process’s background work',
  '(outbox relay, expiry job) during those windows. PostgreSQL shared processes (walwriter, checkpointer) and RabbitMQ are not counted.',
  '',
  "Machine during each window (the machine is shared: other people's tests run on it):",
  '',
  '| variant | window s | load avg before → after (1 min) | machine busy | others (cores) | irq+softirq ms | PG backends (new/exited) | top other processes (CPU ms) |',
  '|---|---:|---|---:|---:|---:|---|---|',
  ...machineRows(
    Object.entries({
      'idle (no load, 3 s)': results.idle,
      ...Object.fromEntries(Object.values(V).map((r) => [r.label, r.cpu])),
    }),
    { withIrq: true, withPostgres: true },
  ),
  '',
  `Idle background (3 s, no load), CPU ms: ${Object.entries(results.idle.processesMs)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}, postgres backends ${results.idle.groups.postgres.cpuMs}.`,
];
for (const [key, p] of Object.entries(results.profiles)) {
  const kernelMs = V[key].cpu.mainThreadMs[V[key].serving];
  lines.push(
    '',
    profileMarkdown(`profile: ${V[key].label} (${p.file.slice(root.length)})`, p.summary, V[key].total),
    '',
    `Kernel CPU of the profiled main thread in the same window: ${kernelMs} ms (the profile's "busy" is sampled wall ` +
      'time: on a shared machine it also holds moments the thread was runnable but preempted, mostly inside system calls like writev).',
  );
}
saveResult('bench-select', { options: values, runId, results }, lines.join('\n'));
