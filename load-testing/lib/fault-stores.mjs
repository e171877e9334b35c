// The backing stores the fault suite restarts: PostgreSQL, Redis and RabbitMQ on this machine (shared by everything on
// it, so: only when no test run is active, and always restored to running, whatever happened). Each function runs
// the operator's own command, with a timeout; none of them retries silently.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { REQUIREMENTS, systemProbes } from '../../scripts/lib/system-setup.ts';
import { sleep } from './http.mjs';

function run(cmd, args, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve(stdout.trim());
    });
  });
}

/** Starts a store with the commands `npm start` and `npm test` use (scripts/lib/system-setup.ts, their one home). */
async function startAsSetupDoes(id, timeoutMs) {
  const requirement = REQUIREMENTS.find((r) => r.id === id);
  if (!requirement?.start) throw new Error(`scripts/lib/system-setup.ts has no start for ${id}`);
  for (const [cmd, ...args] of requirement.start(systemProbes())) await run(cmd, args, timeoutMs);
}

/** Does something accept TCP connections on 127.0.0.1:port? */
export function listening(port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Other test runs on this machine (they use the same stores): `pgrep -af vitest`, without a shell. */
export async function activeTestRuns() {
  try {
    return (await run('pgrep', ['-af', 'vitest'])).split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Waits until no vitest runs (polling every 5 s, up to `maxMs`); throws naming them otherwise. */
export async function waitForQuiet(maxMs = 5 * 60_000, log = console.log) {
  const deadline = Date.now() + maxMs;
  let said = false;
  for (;;) {
    const runs = await activeTestRuns();
    if (runs.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`other test runs still use the shared stores after ${maxMs / 1000} s: ${runs.slice(0, 3).join(' | ')}`);
    if (!said) log(`  waiting for other test runs to finish before restarting a shared store: ${runs[0]}`);
    said = true;
    await sleep(5000);
  }
}

async function waitFor(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`${what} did not come back within ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

const pgVersion = () => readdirSync('/etc/postgresql')[0];
const pgReady = async () => {
  try {
    await run('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-t', '1'], 3000);
    return true;
  } catch {
    return false;
  }
};

export const postgres = {
  name: 'PostgreSQL',
  ready: pgReady,
  /** Stops the cluster (fast shutdown: open connections are cut, as in a crash or failover). */
  stop: () => run('pg_ctlcluster', ['--skip-systemctl-redirect', pgVersion(), 'main', 'stop', '-m', 'fast'], 90_000),
  async start() {
    if (!(await pgReady())) await startAsSetupDoes('postgresql', 90_000);
    await waitFor('PostgreSQL', pgReady, 60_000);
  },
};

const redisPing = async () => {
  try {
    return (await run('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'ping'], 3000)) === 'PONG';
  } catch {
    return false;
  }
};

export const redis = {
  name: 'Redis',
  ready: redisPing,
  flush: () => run('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'FLUSHALL'], 10_000),
  async stop() {
    await run('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'shutdown', 'nosave'], 10_000).catch((e) => {
      // redis-cli reports the connection closing under it as an error on some versions; what counts is that it is gone.
      if (!/closed|reset|refused/i.test(e.message)) throw e;
    });
    const deadline = Date.now() + 10_000;
    while ((await listening(6379)) && Date.now() < deadline) await sleep(100);
  },
  async start() {
    if (!(await redisPing())) await startAsSetupDoes('redis', 10_000);
    await waitFor('Redis', redisPing, 20_000);
  },
};

const rabbitUp = async () => {
  try {
    await run('rabbitmqctl', ['-q', 'await_startup', '--timeout', '2'], 10_000);
    return listening(5672);
  } catch {
    return false;
  }
};

export const rabbitmq = {
  name: 'RabbitMQ',
  ready: rabbitUp,
  /** Stops the broker application (the node stays up, port 5672 closes, every connection is cut). */
  stop: () => run('rabbitmqctl', ['stop_app'], 60_000),
  async start() {
    if (!(await listening(5672))) await run('rabbitmqctl', ['start_app'], 120_000);
    await run('rabbitmqctl', ['await_startup', '--timeout', '90'], 100_000);
    await waitFor('RabbitMQ', () => listening(5672), 30_000);
  },
};

/** Every store back to running: what the suite calls in its finally, and after a failed case. */
export async function restoreAll(log = console.log) {
  const problems = [];
  for (const store of [postgres, redis, rabbitmq]) {
    try {
      if (!(await store.ready())) {
        log(`  restoring ${store.name}`);
        await store.start();
      }
    } catch (e) {
      problems.push(`${store.name}: ${e.message}`);
    }
  }
  return problems;
}
