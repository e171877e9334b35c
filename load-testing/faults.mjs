// `npm run test:faults`: the fault suite (issue 18). Starts the whole system (npm start, in its own process group,
// log in load-testing/results/faults-system.log), seeds and logs in the load users, keeps a bounded buying load
// running through the gateway (buyers looping seat map -> select -> confirm -> OTP -> pay, plus readers) and injects
// one fault per case:
//   booking-kill  kill -9 of booking-2 (the supervisor restarts it)
//   payment-kill  kill -9 of payment the moment a charge is at the provider and its outcome not yet in payment_db
//   postgres      PostgreSQL stopped (fast) and started again 3 s later
//   redis         FLUSHALL, shutdown nosave, started again at once (empty)
//   rabbitmq      rabbitmqctl stop_app for 30 s, then start_app
// After each it measures recovery (every instance ready, and a search + select answered 2xx through the gateway) and
// checks booking_db/payment_db/notification_db and the API (lib/fault-checks.mjs). Any failed check, a recovery over
// the limit, or a case over its timeout makes the exit code 1. Report: load-testing/results/faults-<time>.{md,json}
// and faults-latest.*. The stores are shared by everything on this machine: a store case waits (up to 5 min) until no
// vitest runs, and every store is restored to running at the end whatever happened. Only one whole system fits on
// this machine, so run it under the system lock (as .ci/run does; the script does not take it itself, so that a
// caller already holding it does not deadlock):
//   flock /tmp/rail-system.lock npm run test:faults
// Options: --cases booking-kill,payment-kill,postgres,redis,rabbitmq --buyers 40 --readers 8 --users 300
//          --recovery-limit 30 --settle 60 --budget 540 (seconds for the whole suite)
import { parseArgs } from 'node:util';
import pg from 'pg';
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createClient, sleep } from './lib/http.mjs';
import { Recorder } from './lib/stats.mjs';
import { prepareTokens } from './lib/tokens.mjs';
import { loadTokens } from './lib/system.mjs';
import { RESULTS_DIR, requestTable, saveResult } from './lib/report.mjs';
import { System, INSTANCES, ROOT, answers, instanceReady, notReady } from './lib/fault-system.mjs';
import { postgres, redis, rabbitmq, restoreAll, waitForQuiet } from './lib/fault-stores.mjs';
import { observed, pickTrips, startLoad } from './lib/fault-load.mjs';
import { runChecks } from './lib/fault-checks.mjs';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: 'booking-kill,payment-kill,postgres,redis,rabbitmq' },
    buyers: { type: 'string', default: '40' },
    readers: { type: 'string', default: '8' },
    users: { type: 'string', default: '300' },
    'recovery-limit': { type: 'string', default: '30' },
    settle: { type: 'string', default: '60' },
    budget: { type: 'string', default: '540' },
  },
});
const RECOVERY_LIMIT_S = Number(values['recovery-limit']);
const SETTLE_MS = Number(values.settle) * 1000;
const WARMUP_MS = 8000;
const AFTER_RECOVERY_MS = 10_000;
const suiteStarted = Date.now();
const loadAtStart = loadavg().map((v) => Math.round(v * 100) / 100);
const log = (line) => console.log(`[faults +${Math.round((Date.now() - suiteStarted) / 1000)}s] ${line}`);

const system = new System(join(RESULTS_DIR, 'faults-system.log'));
let touchedStores = false;

// ---- the cases -------------------------------------------------------------------------------------------------

/** Each inject() returns when the fault is over (the process killed, the store back): recovery counts from there. */
const CASES = {
  'booking-kill': {
    title: 'kill -9 one booking replica (booking-2)',
    timeoutMs: 150_000,
    watch: 'booking-2',
    async inject() {
      const pid = system.kill9('booking-2');
      return `killed booking-2 (pid ${pid})`;
    },
  },
  'payment-kill': {
    title: 'kill -9 payment right after a charge (made at the provider, outcome not yet recorded)',
    timeoutMs: 180_000,
    watch: 'payment',
    async inject(ctx) {
      // Watches payment_db over one connection: the moment an attempt is still pending while the provider already
      // holds its succeeded charge (the few ms between the provider's answer and the service recording it), kill -9.
      const db = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/payment_db' });
      await db.connect();
      const caught = `select count(*)::int n from payment_attempts a join mock_provider_charges c on c.idempotency_key = a.provider_key
                       where a.outcome = 'pending' and c.outcome = 'succeeded'`;
      try {
        const deadline = Date.now() + 20_000;
        let pid = null;
        while (Date.now() < deadline) {
          if (ctx.verifiesWithin(1000) > 0 && (await db.query(caught)).rows[0].n > 0) {
            pid = system.kill9('payment');
            break;
          }
          await sleep(2);
        }
        pid ??= system.kill9('payment'); // not caught within 20 s: kill anyway, and the check below says so
        const inFlight = ctx.verifiesWithin(500);
        const frozen = (await db.query(caught)).rows[0].n;
        ctx.extraChecks.push({
          name: 'the kill caught a charge whose outcome was not recorded',
          ok: frozen > 0,
          detail: `${frozen} attempt(s) charged at the provider but still pending in payment_db when payment died`,
        });
        return `killed payment (pid ${pid}) with ${frozen} charge(s) made but unrecorded; ${inFlight} pay-verify requests sent in the last 0.5 s`;
      } finally {
        await db.end().catch(() => undefined);
      }
    },
  },
  postgres: {
    title: 'restart PostgreSQL (fast stop, 3 s down, start)',
    timeoutMs: 200_000,
    store: postgres,
    async inject() {
      await postgres.stop();
      await sleep(3000);
      await postgres.start();
      return 'PostgreSQL stopped (-m fast), started 3 s later';
    },
  },
  redis: {
    title: 'flush and restart Redis (FLUSHALL, shutdown nosave, start empty)',
    timeoutMs: 200_000,
    store: redis,
    async inject() {
      await redis.flush();
      await redis.stop();
      await redis.start();
      return 'Redis flushed, shut down (nosave) and started again empty';
    },
  },
  rabbitmq: {
    title: 'stop RabbitMQ for 30 s (stop_app, start_app)',
    timeoutMs: 240_000,
    store: rabbitmq,
    async inject() {
      await rabbitmq.stop();
      await sleep(30_000);
      await rabbitmq.start();
      return 'rabbitmqctl stop_app, 30 s, start_app + await_startup';
    },
  },
};

// ---- recovery --------------------------------------------------------------------------------------------------

/**
 * From the end of the fault: seconds until every service instance answers /health/ready, and until the gateway
 * answers a search (200) and a select (201; the hold is released at once) for the probe user.
 */
async function measureRecovery({ probeUser, trips, limitMs }) {
  const client = createClient({ maxSockets: 4, timeoutMs: 5000 });
  const t0 = performance.now();
  const giveUpAt = t0 + limitMs + 30_000;
  let readyAt = null;
  let gatewayAt = null;
  let lastProblem = '';
  const common = { token: probeUser.token, xff: probeUser.xff };
  while ((readyAt === null || gatewayAt === null) && performance.now() < giveUpAt) {
    if (readyAt === null) {
      const late = await notReady();
      if (late.length === 0) readyAt = performance.now();
      else lastProblem = `not ready: ${late.join(', ')}`;
    }
    if (gatewayAt === null) {
      const trip = trips[Math.floor(Math.random() * trips.length)];
      const s = await client.request({
        ...common,
        path: `/api/trains/search?from=${trip.route[0]}&to=${trip.route[1]}&date=${trip.date}`,
      });
      const m = s.status === 200 ? await client.request({ ...common, path: `/api/trains/trips/${trip.tripId}/seats` }) : s;
      const seat =
        m.status === 200 ? m.body.coaches.flatMap((c) => c.seats).find((x) => x.status === 'available')?.seatId : undefined;
      if (seat !== undefined) {
        const sel = await client.request({
          ...common,
          method: 'POST',
          path: '/api/bookings/seats/select',
          body: { tripId: trip.tripId, seatIds: [seat] },
        });
        if (sel.status === 201) {
          gatewayAt = performance.now();
          await client.request({ ...common, method: 'DELETE', path: `/api/bookings/${sel.body.bookingId}` });
        } else lastProblem = `select ${sel.status} ${sel.body?.code ?? sel.error ?? ''}`;
      } else lastProblem = `search ${s.status} / seat map ${m.status} ${m.body?.code ?? m.error ?? ''}`;
    }
    if (readyAt === null || gatewayAt === null) await sleep(500);
  }
  client.close();
  const secs = (t) => (t === null ? null : Math.round((t - t0) / 100) / 10);
  return { readySeconds: secs(readyAt), gatewaySeconds: secs(gatewayAt), lastProblem };
}

// ---- one case --------------------------------------------------------------------------------------------------

async function runCase(name, def, env) {
  const rec = new Recorder();
  const bookings = new Map();
  const since = new Date(Date.now() - 1000);
  const verifies = [];
  const ctx = {
    extraChecks: [],
    verifiesWithin: (ms) => {
      const now = performance.now();
      return verifies.filter((t) => now - t <= ms).length;
    },
  };
  const client = observed(env.client, (req) => {
    if (req.path === '/api/payments/verify') {
      verifies.push(performance.now());
      if (verifies.length > 200) verifies.splice(0, 100);
    }
  });
  const logFrom = system.logLines(/.*/, 1e9).length;
  const result = { name, title: def.title, checks: [], ok: false };
  const load = startLoad({ client, rec, users: env.users, trips: env.trips, buyers: env.buyers, readers: env.readers, bookings });
  let loadStopped = false;
  try {
    await sleep(WARMUP_MS);
    const faultStart = performance.now();
    log(`${name}: injecting`);
    result.fault = await def.inject(ctx);
    result.faultSeconds = Math.round((performance.now() - faultStart) / 100) / 10;
    log(`${name}: ${result.fault}; measuring recovery`);
    result.recovery = await measureRecovery({ probeUser: env.probeUser, trips: env.trips, limitMs: RECOVERY_LIMIT_S * 1000 });
    log(`${name}: recovery ${JSON.stringify(result.recovery)}`);
    await sleep(AFTER_RECOVERY_MS);
    await load.stop();
    loadStopped = true;
    result.summary = rec.summary();
    log(`${name}: load stopped (${result.summary.total.count} requests, ${result.summary.total.errors} failed); checking`);
    result.checks = await runChecks({ bookings, tripIds: env.trips.map((t) => t.tripId), since, settleMs: SETTLE_MS });
    const { readySeconds, gatewaySeconds, lastProblem } = result.recovery;
    const worst = readySeconds === null || gatewaySeconds === null ? null : Math.max(readySeconds, gatewaySeconds);
    result.recoverySeconds = worst;
    result.checks.push({
      name: `service back within ${RECOVERY_LIMIT_S} s`,
      ok: worst !== null && worst <= RECOVERY_LIMIT_S,
      detail:
        `every instance ready after ${readySeconds ?? 'never'} s, gateway search + select 2xx after ${gatewaySeconds ?? 'never'} s` +
        (worst === null ? ` (last: ${lastProblem})` : ''),
    });
  } finally {
    if (!loadStopped) await load.stop(15_000);
    result.summary ??= rec.summary();
    // Seconds from the first to the last second of the case that saw a 5xx or an unanswered request.
    const bad = rec
      .timeSeries()
      .filter((x) => x.errors > 0)
      .map((x) => x.t);
    result.errorWindowSeconds = bad.length ? bad[bad.length - 1] - bad[0] + 1 : 0;
    const lines = system.logLines(/.*/, 1e9).slice(logFrom);
    const exits = [...new Set(lines.map((l) => /✗ (\S+) exited/.exec(l)?.[1]).filter(Boolean))];
    result.exited = exits;
    result.supervisorLines = lines.filter((l) => /^(✗|✓ \S+ is back|!)/.test(l.trim())).slice(0, 20);
    result.errorLines = lines.filter((l) => /"level":(50|60)|unexpected error|uncaught|ECONNREFUSED/i.test(l)).slice(0, 10);
    result.bookings = { made: bookings.size, outcomes: result.summary.outcomes };
  }
  result.checks.push(...ctx.extraChecks);
  const expected = def.watch ? [def.watch] : [];
  result.checks.push({
    name: 'no other process exited',
    ok: result.exited.every((n) => expected.includes(n)),
    detail: `exited: ${result.exited.join(', ') || 'none'}${expected.length ? ` (killed: ${expected[0]})` : ''}`,
  });
  if (def.watch) {
    const back = await instanceReady(def.watch);
    result.checks.push({
      name: `${def.watch} restarted by the supervisor`,
      ok: back,
      detail: back ? 'ready again' : 'not ready',
    });
  }
  result.ok = result.checks.every((c) => c.ok);
  return result;
}

// ---- the report ------------------------------------------------------------------------------------------------

function report(results, meta) {
  const fmt = (v) => (v === null || v === undefined ? '-' : String(v));
  const rows = results.map((r) => {
    const t = r.summary?.total ?? { count: 0, errors: 0, statuses: {} };
    const failedKinds = Object.entries(t.statuses ?? {})
      .filter(([s]) => Number(s) === 0 || Number(s) >= 500)
      .map(([s, n]) => `${s === '0' ? 'no answer' : s}: ${n}`)
      .join(', ');
    const checks = r.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.name}`).join('<br>');
    const settled = r.checks.find((c) => c.seconds !== undefined)?.seconds;
    return `| ${r.name} | ${t.count} | ${t.errors}${failedKinds ? ` (${failedKinds})` : ''} | ${fmt(r.errorWindowSeconds)} | ${fmt(r.faultSeconds)} | ${fmt(r.recoverySeconds)} | ${r.bookings?.made ?? 0} | ${fmt(settled)} | ${checks} | ${r.ok ? 'PASS' : 'FAIL'} |`;
  });
  const details = results.map(
    (r) => `### ${r.name}: ${r.title}

${r.error ? `**Error:** ${r.error}\n\n` : ''}Fault: ${r.fault ?? '-'}; recovery: ${JSON.stringify(r.recovery ?? null)}; outcomes: ${JSON.stringify(r.bookings?.outcomes ?? {})}

${r.checks.map((c) => `- ${c.ok ? '✓' : '✗'} **${c.name}**: ${c.detail}`).join('\n')}

${r.summary ? requestTable(r.summary.requests) : ''}
${r.supervisorLines?.length ? `\nSupervisor:\n\n\`\`\`\n${r.supervisorLines.join('\n')}\n\`\`\`\n` : ''}${r.errorLines?.length ? `\nError lines from the system log:\n\n\`\`\`\n${r.errorLines.map((l) => l.slice(0, 400)).join('\n')}\n\`\`\`\n` : ''}`,
  );
  return `# Fault suite: ${results.every((r) => r.ok) ? 'PASSED' : 'FAILED'}

\`${meta.command}\`, ${meta.buyers} buyers + ${meta.readers} readers over ${meta.users} users, commit ${meta.commit}${meta.dirty ? ' + uncommitted changes' : ''},
${meta.seconds} s in all (system start ${meta.startSeconds} s). Load average at start ${meta.loadAtStart.join(' / ')}, at end ${loadavg()
    .map((v) => v.toFixed(2))
    .join(
      ' / ',
    )} (${meta.cores} cores). Recovery limit ${RECOVERY_LIMIT_S} s after the fault ended; settle time ${SETTLE_MS / 1000} s for events.
"Failed" = a 5xx or no answer (a 503 with Retry-After, waited out and resent by the client, counts here too).

Columns: requests sent in the case (load + its purchases); failed; error window = first to last second with a failure;
fault s = how long the injection took (the outage); recovery s = from the end of the fault until every instance
answered /health/ready and the gateway answered a search and a select 2xx; settle s = after the load stopped, until every
paid booking was CONFIRMED or refunded (events delivered).

| case | requests | failed (5xx / no answer) | error window s | fault s | recovery s | bookings | settle s | checks | result |
|---|---:|---|---:|---:|---:|---:|---:|---|---|
${rows.join('\n')}

${details.join('\n')}`;
}

// ---- main ------------------------------------------------------------------------------------------------------

async function main() {
  const wanted = values.cases
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  for (const c of wanted) if (!CASES[c]) throw new Error(`unknown case ${c}; known: ${Object.keys(CASES).join(', ')}`);
  if (await answers('http://127.0.0.1:8080/healthz'))
    throw new Error(
      'a system already answers on :8080; the fault suite starts (and kills parts of) its own: stop that one first',
    );
  const down = [];
  for (const store of [postgres, redis, rabbitmq]) if (!(await store.ready())) down.push(store.name);
  if (down.length) throw new Error(`not running before the suite: ${down.join(', ')}`);

  log('starting the system (npm start)');
  await system.start();
  const startSeconds = Math.round((Date.now() - suiteStarted) / 1000);
  log(`system ready after ${startSeconds} s`);

  const n = Number(values.users);
  const seeded = spawnSync(process.execPath, [join(ROOT, 'scripts', 'seed-users.mjs'), '--count', String(n + 1)], {
    stdio: 'inherit',
    timeout: 180_000,
  });
  if (seeded.status !== 0) throw new Error(`seeding load users failed (${seeded.status ?? seeded.signal})`);
  const file = join(RESULTS_DIR, 'tokens-faults.json');
  // Tokens must outlive the whole suite (store cases may wait for other test runs first).
  await prepareTokens({ users: n + 1, concurrency: 8, file, quiet: true, minValidMinutes: 14 });
  const all = loadTokens(n + 1, file);
  const probeUser = all.find((u) => u.index === n);
  const users = all.filter((u) => u.index !== n);
  const setup = createClient({ maxSockets: 8 });
  const trips = await pickTrips(setup);
  setup.close();
  log(`${users.length} users logged in; ${trips.length} trips with ${trips.reduce((a, t) => a + t.free, 0)} free seats`);

  const client = createClient({ maxSockets: 256, timeoutMs: 15_000 });
  const env = { client, users, trips, probeUser, buyers: Number(values.buyers), readers: Number(values.readers) };
  const results = [];
  for (const name of wanted) {
    const def = CASES[name];
    let result;
    try {
      if (def.store) {
        await waitForQuiet(5 * 60_000, log);
        touchedStores = true;
      }
      let timer;
      const timedOut = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`case did not finish within ${def.timeoutMs / 1000} s`)), def.timeoutMs);
      });
      try {
        result = await Promise.race([runCase(name, def, env), timedOut]);
      } finally {
        clearTimeout(timer);
      }
    } catch (e) {
      result = {
        name,
        title: def.title,
        ok: false,
        error: e.message,
        checks: [{ name: 'case ran to the end', ok: false, detail: e.message }],
      };
    }
    if (def.store) {
      const problems = await restoreAll(log);
      if (problems.length) {
        result.ok = false;
        result.checks.push({ name: 'store restored', ok: false, detail: problems.join('; ') });
      }
    }
    log(
      `${name}: ${result.ok ? 'PASS' : 'FAIL'} ${result.checks
        .filter((c) => !c.ok)
        .map((c) => `${c.name}: ${c.detail}`)
        .join(' | ')}`,
    );
    results.push(result);
    // The next case starts from a whole system: wait (bounded) until every instance is ready again.
    const deadline = Date.now() + 30_000;
    while ((await notReady()).length > 0 && Date.now() < deadline) await sleep(500);
  }
  client.close();

  const git = (...args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const meta = {
    command: `npm run test:faults${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    buyers: env.buyers,
    readers: env.readers,
    users: users.length,
    commit: git('rev-parse', '--short', 'HEAD'),
    dirty: git('status', '--porcelain', '--', 'services', 'packages', 'gateway', 'scripts').length > 0,
    seconds: Math.round((Date.now() - suiteStarted) / 1000),
    startSeconds,
    loadAtStart,
    cores: (await import('node:os')).cpus().length,
    instances: Object.keys(INSTANCES),
  };
  saveResult('faults', { meta, results }, report(results, meta));
  return results.every((r) => r.ok) ? 0 : 1;
}

let code = 1;
let cleaning = null;
async function cleanup() {
  cleaning ??= (async () => {
    if (touchedStores) {
      const problems = await restoreAll(log);
      if (problems.length) console.error(`faults: could not restore: ${problems.join('; ')}`);
    }
    await system.stop();
  })();
  return cleaning;
}
const budget = setTimeout(
  async () => {
    console.error(`faults: the suite did not finish within its budget of ${values.budget} s; stopping`);
    await cleanup();
    process.exit(1);
  },
  Number(values.budget) * 1000,
);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    console.error(`faults: ${signal}; restoring the stores and stopping the system`);
    await cleanup();
    process.exit(1);
  });
}
try {
  code = await main();
} catch (e) {
  console.error(`faults: ${e.message}`);
} finally {
  clearTimeout(budget);
  await cleanup();
}
process.exit(code);
