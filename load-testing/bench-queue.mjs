// Benchmark of the waiting room's status requests (issue 11: "a status request must be as cheap as a micro-cached
// GET") over real HTTP with autocannon. The headline figure is CPU per request of the queue process from the
// kernel's accounting (/proc), next to two baselines driven by the same client in the same run:
//   floor     a bare node:http hello-world in its own process (the least a Node HTTP request can cost here)
//   app       a hello-world route of our own app factory (@rail/http createApp + runServer), in its own process:
//             load-testing/bench/app-hello.mjs
//   checkin   GET /api/queue/sales/:date/me, signed in, round robin over every user waiting in an active room (the
//             room is switched on by the operator's PUT and admits nobody: its active-shopper cap is full)
//   sale      GET /api/queue/sales/:date, anonymous (the gateway micro-caches it; this is its cost on a miss)
// Measured in every window: the queue process (and its main thread), the bench's own redis-server (so nobody
// else's traffic is in its figure), the load generator (this process), and the machine's other load. The queue
// process runs as in the system: its admission job ticks every QUEUE_TICK_MS over the waiting room, asks a
// stand-in train for seats left and scrapes three stand-in booking /metrics pages the size of a busy replica's
// (load-testing/bench/queue-stub.mjs), and consumes booking.confirmed from RabbitMQ (its own exchange and queue,
// deleted afterwards). An idle window (no requests) shows what that background work costs per second.
// Every port is a free ephemeral one on 127.0.0.1 (never 3001-3006/3013/3023/8080); every loop is bounded.
// Usage: npm run bench:queue -- [--seconds 10] [--connections 64] [--users 20000] [--idle-seconds 5] [--profile]
//        [--booking calm|overloaded] [--log-level warn] [--label text]
// --booking overloaded  the stand-in booking pages show a p95 near 1 s: after QUEUE_SATURATION_SAMPLES samples the
//            leader calls booking saturated and runs a room for every date on sale (its heaviest background work).
// --queue-entry  the queue's server.ts to run (default services/queue/src/server.ts), e.g. an older version's
//            exported beside a node_modules link to this repo's, to measure before and after with the same command.
// --profile  also writes a CPU profile of the queue process per measured window (join, checkin, sale, idle) to
//            load-testing/results/profiles/ and prints their top self-time functions. Profiling costs CPU: the
//            CPU figures of a --profile run are not comparable with a plain run's.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
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
  waitFor,
  waitForFile,
} from './bench/harness.mjs';
import { startQueueStub } from './bench/queue-stub.mjs';
import { run } from './bench/run-autocannon.mjs';
import { startCpuWindow } from './lib/cpu.mjs';
import { RESULTS_DIR, machine, saveResult } from './lib/report.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    users: { type: 'string', default: '20000' },
    'idle-seconds': { type: 'string', default: '5' },
    booking: { type: 'string', default: 'calm' },
    'queue-entry': { type: 'string', default: 'services/queue/src/server.ts' },
    profile: { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'warn' },
    label: { type: 'string', default: '' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const userCount = Number(values.users);
const logLevel = values['log-level'];
const idleSeconds = Number(values['idle-seconds']);
if (
  !(seconds > 0 && seconds <= 120) ||
  !(connections > 0 && connections <= 1000) ||
  !(userCount > 0 && userCount <= 200_000) ||
  !(idleSeconds > 0 && idleSeconds <= 120)
) {
  console.error('--seconds 1..120, --connections 1..1000, --users 1..200000, --idle-seconds 1..120');
  process.exit(2);
}
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const runId = randomBytes(4).toString('hex');
const prefix = `bench:queue:${runId}:`;
const exchange = `bench.queue.${runId}`;
const queuePrefix = `bench-queue-${runId}`;
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const profileDir = join(RESULTS_DIR, 'profiles');
const logDir = join(RESULTS_DIR, 'logs');
// A sale well inside the rule's window (opens 10 days before): never past during the run.
const SALE = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);

const children = createChildren({ bench: 'bench-queue', stamp, logDir });

async function cleanup() {
  await children.stop();
  await new Promise((resolve) =>
    execFile(
      process.execPath,
      [...TSX, 'load-testing/bench/cleanup-amqp.mjs', 'queue', AMQP_URL, exchange, queuePrefix],
      { cwd: root },
      (err, _o, e) => {
        if (err) console.error('RabbitMQ cleanup failed:', e || err.message);
        resolve();
      },
    ),
  );
}

/** Runs `work(i)` for i in [0, n) with at most `limit` in flight. */
async function inParallel(n, limit, work) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, n) }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

const code = measuredCode(['services/queue', 'packages']);

const stub = await startQueueStub({ replicas: 3, booking: values.booking });
const results = { code, sale: SALE, variants: {}, profiles: {} };
try {
  const redis = await startOwnRedis(children);
  const redisUrl = redis.url;
  const baselines = await startBaselines(children, { logLevel });
  const queuePort = await freePort();
  const queue = children.start(
    process.execPath,
    [...(values.profile ? PROFILER : []), ...TSX, values['queue-entry']],
    {
      NODE_ENV: 'development',
      LOG_LEVEL: logLevel,
      PORT: String(queuePort),
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: prefix,
      AMQP_URL,
      AMQP_EXCHANGE: exchange,
      QUEUE_PREFIX: queuePrefix,
      AUTH_JWKS_URL: stub.jwksUrl,
      TRAIN_SERVICE_URL: stub.url,
      BOOKING_SERVICE_URL: stub.bookingUrls.join(','),
      // Nobody loses a place while the bench runs (each user checks in every few seconds, but warm-up and the
      // other windows come between); everything else as configured by default.
      QUEUE_CHECKIN_GRACE_SECONDS: '3600',
      ...(values.profile ? { CPU_PROFILE_DIR: profileDir, CPU_PROFILE_NAME: `queue-${runId}` } : {}),
    },
    'queue',
  );
  const base = `http://127.0.0.1:${queuePort}`;
  await httpUp(`${base}/health/ready`);

  // The room: switched on by the operator, its active-shopper cap taken by the first joiners, so every later
  // place waits in order for the whole run (the admission job still runs its full tick over them).
  const operator = await stub.sign('bench-operator-0', { roles: ['admin'] });
  let put;
  for (let attempt = 1; attempt <= 10; attempt++) {
    put = await fetch(`${base}/api/queue/admin/sales/${SALE}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({ mode: 'on', activeShoppers: 10, admissionsPerSecond: 50 }),
    });
    if (put.status !== 429) break;
    await sleep(Number(put.headers.get('retry-after') ?? 1) * 1000); // shedding while it warms up
  }
  if (!put.ok) throw new Error(`operator PUT: ${put.status} ${await put.text()}`);
  await waitFor(async () => (await (await fetch(`${base}/api/queue/sales/${SALE}`)).json()).roomActive === true, 'the room');

  console.log(`signing ${userCount} tokens and joining them to the room of ${SALE}...`);
  const tokens = await Promise.all(Array.from({ length: userCount }, (_, i) => stub.sign(`bench-user-${i}`)));
  const profiled = new Set(['checkin', 'sale', 'idle']);
  const profileCount = { n: 0 };
  const toggleProfile = () => process.kill(queue.pid, 'SIGWINCH');
  const collectProfile = async (key, requests) => {
    const written = join(profileDir, `queue-${runId}-${++profileCount.n}.cpuprofile`);
    await waitForFile(written);
    const file = join(profileDir, `bench-queue-${stamp}-${key}.cpuprofile`);
    renameSync(written, file);
    results.profiles[key] = { file, requests, summary: summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), 15) };
  };

  if (values.profile) {
    toggleProfile();
    await sleep(300);
  }
  const joined = {};
  const joinStart = performance.now();
  const joinCpu = await startCpuWindow({ processes: { queue: queue.pid } });
  await inParallel(userCount, 32, async (i) => {
    // A 429 (the service shedding load while it warms up) is tried again after its Retry-After, a few times.
    for (let attempt = 1; ; attempt++) {
      const r = await fetch(`${base}/api/queue/sales/${SALE}/join`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens[i]}`, 'content-type': 'application/json' },
        body: '{}',
      });
      const body = await r.json();
      if (r.status === 429 && attempt < 10) {
        await sleep(Number(r.headers.get('retry-after') ?? 1) * 1000);
        continue;
      }
      const key = r.status === 200 ? body.status : String(r.status);
      joined[key] = (joined[key] ?? 0) + 1;
      break;
    }
  });
  const joinSeconds = (performance.now() - joinStart) / 1000;
  const joinWindow = await joinCpu.stop();
  if (values.profile) {
    toggleProfile();
    await collectProfile('join', userCount);
  }
  // Not a measured variant (each user joins once, the first request with its token: a signature check, the
  // per-account limit's counter, the join script), but its cost is worth seeing next to the check-in's.
  results.joins = {
    seconds: round(joinSeconds, 1),
    perSecond: Math.round(userCount / joinSeconds),
    queueUsPerJoin: round((joinWindow.processesMs.queue * 1000) / userCount, 1),
  };
  await sleep(1500); // a few ticks: the first ones are admitted up to the cap
  const snapshot = await (await fetch(`${base}/api/queue/sales/${SALE}`)).json();
  results.room = { joined, waiting: snapshot.waiting, activeShoppers: snapshot.activeShoppers };
  console.log('room:', JSON.stringify(results.room));
  if ((joined.waiting ?? 0) + (joined.admitted ?? 0) !== userCount) throw new Error(`joins failed: ${JSON.stringify(joined)}`);

  let n = 0;
  const checkin = {
    method: 'GET',
    path: `/api/queue/sales/${SALE}/me`,
    setupRequest: (req) => ({ ...req, headers: { authorization: `Bearer ${tokens[n++ % tokens.length]}` } }),
  };
  // Warm-up: every server's path JIT-compiled, every token once through the verified-token cache.
  await run({ url: base, connections: 32, seconds: Math.max(3, Math.ceil(userCount / 4000)), requests: [checkin] });
  await run({ url: `${base}/api/queue/sales/${SALE}`, connections: 10, seconds: 1 });
  await run({ url: baselines.floorUrl, connections: 10, seconds: 1 });
  await run({ url: baselines.appUrl, connections: 10, seconds: 1 });

  const pids = { hello: baselines.hello.pid, app: baselines.app.pid, queue: queue.pid, redis: redis.pid, loadgen: process.pid };
  // Background cost with no requests (the leader's ticks over the waiting room, seats, /metrics scrapes).
  {
    if (values.profile) {
      toggleProfile();
      await sleep(300);
    }
    const w = await startCpuWindow({ processes: pids });
    await sleep(idleSeconds * 1000);
    results.idle = await w.stop();
    if (values.profile) {
      toggleProfile();
      await collectProfile('idle', 0);
    }
  }

  const variants = [
    { key: 'floor', label: 'floor: hello-world (bare node:http)', serving: 'hello', url: baselines.floorUrl },
    { key: 'app', label: 'app hello-world (@rail/http createApp)', serving: 'app', url: baselines.appUrl },
    {
      key: 'checkin',
      label: `check-in GET .../me (${userCount} waiting, round robin)`,
      serving: 'queue',
      url: base,
      requests: [checkin],
    },
    { key: 'sale', label: 'sale status GET /api/queue/sales/:date', serving: 'queue', url: `${base}/api/queue/sales/${SALE}` },
  ];
  for (const v of variants) {
    const profileThis = values.profile && profiled.has(v.key);
    if (profileThis) {
      toggleProfile();
      await sleep(300);
    }
    const window = await startCpuWindow({ processes: pids });
    const load = await run({ url: v.url, connections, seconds, ...(v.requests ? { requests: v.requests } : {}) });
    const settleMs = await settle(window, v.serving);
    const cpu = await window.stop();
    if (profileThis) {
      toggleProfile();
      await collectProfile(v.key, load.total);
    }
    const perReq = (ms) => (ms === null || ms === undefined || load.total === 0 ? null : round((ms * 1000) / load.total, 1));
    const servingMs = cpu.processesMs[v.serving];
    // The queue's figure includes its Redis (the check-in's script runs there); baselines count their process only.
    const server = v.serving === 'queue' ? servingMs + cpu.processesMs.redis : servingMs;
    results.variants[v.key] = {
      label: v.label,
      serving: v.serving,
      ...load,
      settleMs,
      cpu,
      usPerRequest: {
        [v.serving]: perReq(servingMs),
        [`${v.serving}MainThread`]: perReq(cpu.mainThreadMs[v.serving]),
        redis: perReq(cpu.processesMs.redis),
        server: perReq(server),
        loadgen: perReq(cpu.processesMs.loadgen),
      },
    };
    console.log(v.key, JSON.stringify(results.variants[v.key].usPerRequest), `${load.rps} req/s`, JSON.stringify(load.statuses));
  }

  const floor = results.variants.floor.usPerRequest.server;
  for (const r of Object.values(results.variants)) {
    r.multipleOfFloor = {
      server: round(r.usPerRequest.server / floor, 2),
      servingProcess: round(r.usPerRequest[r.serving] / floor, 2),
    };
  }
  results.stubCalls = { ...stub.counts };
  // The queue process's memory (its verified-token cache holds every user's token): resident now and at its peak.
  const status = readFileSync(`/proc/${queue.pid}/status`, 'utf8');
  const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  results.queueMemoryMiB = { rss: round(kib('VmRSS') / 1024), peak: round(kib('VmHWM') / 1024) };
} finally {
  await stub.close();
  await cleanup();
}

// ---- report ----
const V = results.variants;
const other = (r) =>
  Object.entries(r.statuses)
    .filter(([s]) => s !== '200')
    .reduce((a, [, c]) => a + c, 0) +
  r.errors +
  r.timeouts;
// A run with any answer but 200 (or a socket error) is reported as failed, not as figures.
const unexpected = Object.values(V).reduce((a, r) => a + other(r), 0);
results.valid = unexpected === 0;
const f = (v) => (v === null || v === undefined ? '-' : String(v));
const m = machine();
const idle = results.idle;
const idleRate = (ms) => round(ms / (idle.elapsedMs / 1000), 1);
const lines = [
  `## queue benchmark — ${new Date().toISOString()}${values.label ? ` — ${values.label}` : ''}`,
  '',
  `${m.cores} x ${m.cpu}, ${m.memoryGiB} GiB, node ${m.node}; ${connections} connections, ${seconds} s per variant, ` +
    `${userCount} users waiting in the room of ${results.sale}, 1 queue process, LOG_LEVEL=${logLevel}, the bench's own redis-server, ` +
    `stand-in booking ${values.booking}` +
    `${values.profile ? '; **profiled run (CPU figures inflated by the profiler)**' : ''}.`,
  `Command: \`npm run bench:queue -- ${process.argv.slice(2).join(' ')}\``,
  `Code: ${code.commit}${code.uncommitted.length ? ` plus uncommitted changes in services/queue or packages/: ${code.uncommitted.join(', ')}` : ', services/queue and packages/ as committed'}.`,
  ...(values['queue-entry'] !== 'services/queue/src/server.ts'
    ? [`Queue process: ${values['queue-entry']} (not this tree's).`]
    : []),
  `Room: ${JSON.stringify(results.room)}. Joins (setup, 32 at a time): ${JSON.stringify(results.joins)}.`,
  '',
  results.valid
    ? 'Outcome: every answer was a 200.'
    : `**FAILED RUN: ${unexpected} answers other than 200, or socket errors; do not use its figures.**`,
  '',
  '| variant | req/s | p50 ms | p95 ms | p99 ms | 200 | other/errors |',
  '|---|---:|---:|---:|---:|---:|---:|',
  ...Object.values(V).map(
    (r) => `| ${r.label} | ${r.rps} | ${r.p50} | ${r.p95} | ${r.p99} | ${r.statuses[200] ?? 0} | ${other(r)} |`,
  ),
  '',
  'CPU per request (µs, kernel accounting: utime+stime over the window incl. settle) and multiple of the floor:',
  '',
  '| variant | serving process | of which main thread | Redis | server total | load generator | x floor (total) | x floor (process) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...Object.values(V).map((r) => {
    const u = r.usPerRequest;
    const redis = r.serving === 'queue' ? f(u.redis) : `(${f(u.redis)})`;
    return `| ${r.label} | ${f(u[r.serving])} | ${f(u[`${r.serving}MainThread`])} | ${redis} | ${f(u.server)} | ${f(u.loadgen)} | ${f(r.multipleOfFloor.server)} | ${f(r.multipleOfFloor.servingProcess)} |`;
  }),
  '',
  "The queue's total is its process plus Redis (the check-in's script runs there); baselines count their own process",
  "only (Redis in brackets is the queue's background work during those windows). All of a window's queue CPU is",
  'charged to its requests, the background jobs included; the idle line below is what those cost on their own.',
  '',
  `Idle background (${(idle.elapsedMs / 1000).toFixed(1)} s, no requests), CPU ms per second: queue ${f(idleRate(idle.processesMs.queue))}` +
    ` (main thread ${f(idleRate(idle.mainThreadMs.queue))}), redis ${f(idleRate(idle.processesMs.redis))}.` +
    ` Stand-in calls over the run: ${JSON.stringify(results.stubCalls ?? {})}.` +
    ` Queue process memory (MiB): ${JSON.stringify(results.queueMemoryMiB ?? {})}.`,
  '',
  "Machine during each window (the machine is shared: other people's tests run on it):",
  '',
  '| variant | window s | load avg before → after (1 min) | machine busy | others (cores) | top other processes (CPU ms) |',
  '|---|---:|---|---:|---:|---|',
  ...machineRows(
    Object.entries({ 'idle (no requests)': idle, ...Object.fromEntries(Object.values(V).map((r) => [r.label, r.cpu])) }),
  ),
];
for (const [key, p] of Object.entries(results.profiles)) {
  const label = key === 'idle' ? 'idle (no requests)' : key === 'join' ? `joins (setup: ${userCount}, one each)` : V[key].label;
  lines.push('', profileMarkdown(`profile: ${label} (${p.file.slice(root.length)})`, p.summary, p.requests || undefined));
}
saveResult('bench-queue', { options: values, runId, results }, lines.join('\n'));
