// CI smoke of the load scripts against a running system (`npm start`): seeds and logs in a couple
// of hundred load users, runs a small sales-opening rush through payment, and fails on any 5xx,
// any unanswered request or any double-sold seat (checked in booking_db). Takes seconds. Half the travellers use
// "pick for me" (issue 12's allocation; --pick-share). With --room the users go through the date's waiting room
// first (issue 11: scheduled to open 3 s after the ramp, needs the seeded operator account).
// With --start and nothing answering on the gateway, it starts the system itself (npm start, in its own
// process group, log in load-testing/results/smoke-system.log) and stops exactly that afterwards.
// Usage: node load-testing/smoke.mjs [--users 200] [--ramp 5] [--pick-share 0.5] [--room] [--start]
import { parseArgs } from 'node:util';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from './lib/http.mjs';
import { prepareTokens } from './lib/tokens.mjs';
import { loadTokens } from './lib/system.mjs';
import { runRush, rushFailures } from './lib/rush.mjs';
import { RESULTS_DIR, keyValueTable, requestTable, saveResult } from './lib/report.mjs';
import { gatewayTable } from './lib/gateway-log.mjs';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '200' },
    ramp: { type: 'string', default: '5' },
    'pick-share': { type: 'string', default: '0.5' },
    room: { type: 'boolean', default: false },
    start: { type: 'boolean', default: false },
  },
});
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const n = Number(values.users);
const file = join(RESULTS_DIR, 'tokens-smoke.json');
const probe = createClient({ maxSockets: 4, timeoutMs: 3000 });

/** Ready = the gateway, the catalogue (seeded) and the auth keys all answer. */
async function ready() {
  const paths = ['/healthz', '/api/trains/stations', '/api/auth/.well-known/jwks.json'];
  const answers = await Promise.all(paths.map((path) => probe.request({ path, xff: '10.255.255.253' })));
  return answers.every((a) => a.status === 200);
}

let system = null;
if (!(await ready())) {
  if (!values.start) {
    console.error('load smoke: the system does not answer on the gateway; start it with npm start (or pass --start)');
    process.exit(1);
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const log = openSync(join(RESULTS_DIR, 'smoke-system.log'), 'w');
  console.log('load smoke: starting the system (npm start)');
  system = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', log, log],
    env: { LOG_LEVEL: 'warn', ...process.env },
  });
  const deadline = Date.now() + 7 * 60_000;
  while (!(await ready())) {
    if (system.exitCode !== null || Date.now() > deadline) {
      console.error(`load smoke: the system did not come up; see ${join(RESULTS_DIR, 'smoke-system.log')}`);
      stopSystem();
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** Process group of a pid (Linux /proc), to tell the runner we started from anyone else's. */
function processGroup(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return null;
  }
}

/**
 * Stops the system this script started, and nothing else: `npm stop` only when the runner recorded in
 * .run/system.json is in our own process group (someone may have started theirs meanwhile), then our group.
 */
function stopSystem() {
  if (!system) return;
  let recorded = null;
  try {
    recorded = JSON.parse(readFileSync(join(ROOT, '.run', 'system.json'), 'utf8')).pid;
  } catch {
    /* no recorded runner */
  }
  if (recorded && processGroup(recorded) === system.pid) spawnSync('npm', ['stop'], { stdio: 'inherit', timeout: 45_000 });
  try {
    process.kill(-system.pid, 'SIGTERM');
  } catch {
    /* already gone */
  }
}
async function smoke() {
  const seeded = spawnSync(process.execPath, [join(ROOT, 'scripts', 'seed-users.mjs'), '--count', String(n)], {
    stdio: 'inherit',
  });
  if (seeded.status !== 0) throw new Error(`seeding load users failed (exit ${seeded.status})`);
  await prepareTokens({ users: n, concurrency: 8, file, quiet: true });

  const result = await runRush({
    users: loadTokens(n, file),
    rampSeconds: Number(values.ramp),
    connections: 200,
    minFreeShare: 0.3,
    pickShare: Number(values['pick-share']),
    room: values.room ? { opensInSeconds: Number(values.ramp) + 3, maxWaitSeconds: 120 } : null,
  });
  const problems = rushFailures(result);
  if (result.rush.seatsPaid === 0) problems.push('no booking was paid');
  // A paid booking turns CONFIRMED through the payment.succeeded event: the whole lifecycle, not only the API.
  if (result.rush.seatsConfirmed === 0) problems.push('no paid booking reached CONFIRMED within 15 s');
  const md = `# Load smoke: ${n} users over ${values.ramp} s

${keyValueTable({
  'seats held / paid / confirmed': `${result.rush.seatsHeld} / ${result.rush.seatsPaid} / ${result.rush.seatsConfirmed}`,
  'select p99 (ms)': result.summary.requests.select?.p99,
  'selects won while seats remained (all, pick-for-me, seat map)': ['all', 'pick', 'seats']
    .map((k) => result.rush.selects[`whileSeatsRemain.${k}`])
    .map((x) => (x ? `${x.won}/${x.sent}` : '-'))
    .join(', '),
  'booking_db check': result.rush.db,
  'waiting room (admitted, wait p50 / max s)': result.params.room
    ? `${result.room.admitted} of ${result.room.places}, ${result.room.waitSeconds.p50} / ${result.room.waitSeconds.max}`
    : 'off',
  outcomes: result.summary.outcomes,
})}

${requestTable(result.summary.requests)}

As the gateway saw it:

${gatewayTable(result.gateway)}

${problems.length ? `FAILED:\n${problems.map((p) => `- ${p}`).join('\n')}` : 'PASSED'}
  `;
  saveResult('smoke', result, md);
  return problems.length ? 1 : 0;
}

let code = 1;
try {
  code = await smoke();
} catch (e) {
  console.error(`load smoke: ${e.message}`);
} finally {
  probe.close();
  stopSystem();
}
process.exit(code);
