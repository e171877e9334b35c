// What every CPU-per-request benchmark (bench-select.mjs, bench-queue.mjs) needs around its measured windows: its
// own child processes with their logs in files, free loopback ports, waiting for a server, its own redis-server,
// the two hello-world baselines, letting a process settle after the load, and which code was measured.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export const TSX = ['--conditions=@rail/source', '--import', 'tsx'];
export const PROFILER = ['--import', './load-testing/bench/profiler.mjs'];
export const ROOT = new URL('../..', import.meta.url).pathname;

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const round = (v, d = 1) => (v === null || v === undefined ? null : +v.toFixed(d));

/**
 * The bench's child processes. stdout (a service's log lines) goes to `<logDir>/<bench>-<stamp>-<name>.log`: the
 * service pays for its writes, the load generator does not. stop() ends them all (SIGTERM, at most 8 s).
 */
export function createChildren({ bench, stamp, logDir }) {
  mkdirSync(logDir, { recursive: true });
  const children = [];
  return {
    start(command, args, env, name) {
      const out = openSync(join(logDir, `${bench}-${stamp}-${name}.log`), 'w');
      const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', out, 'pipe'] });
      closeSync(out);
      children.push(child);
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('exit', (code, signal) => {
        if (code && !signal) console.error(`${name} exited with ${code}\n${stderr}`);
      });
      return child;
    },
    async stop() {
      const running = (c) => c.exitCode === null && c.signalCode === null;
      for (const c of children) if (running(c)) c.kill('SIGTERM');
      await Promise.race([
        Promise.all(children.map((c) => (running(c) ? new Promise((r) => c.once('exit', r)) : null))),
        sleep(8000),
      ]);
    },
  };
}

export async function waitFor(check, what, ms = 30_000) {
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

export const httpUp = (url) => waitFor(async () => (await fetch(url)).ok, url);

export async function freePort() {
  const s = createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/** A redis-server of the bench's own on a free port (nobody else's traffic in its CPU figure), once it answers. */
export async function startOwnRedis(children) {
  const port = await freePort();
  const child = children.start(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'],
    {},
    'redis',
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitFor(async () => {
    const r = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    r.on('error', () => undefined); // not up yet: the connect() below rejects
    try {
      await r.connect();
      return (await r.ping()) === 'PONG';
    } finally {
      r.disconnect();
    }
  }, 'redis-server');
  return { pid: child.pid, url };
}

/**
 * The two baselines, each in its own process: the floor (a bare node:http hello-world) and our app factory's
 * hello-world route (load-testing/bench/app-hello.mjs). Resolves once both answer.
 */
export async function startBaselines(children, { logLevel, appArgs = [], appEnv = {} }) {
  const helloPort = await freePort();
  const hello = children.start(
    process.execPath,
    [
      '-e',
      `require('http').createServer((q,s)=>{s.setHeader('content-type','application/json');s.end('{"hello":"world"}')}).listen(${helloPort},'127.0.0.1')`,
    ],
    {},
    'hello',
  );
  const appPort = await freePort();
  const app = children.start(
    process.execPath,
    [...appArgs, ...TSX, 'load-testing/bench/app-hello.mjs'],
    { NODE_ENV: 'development', LOG_LEVEL: logLevel, PORT: String(appPort), ...appEnv },
    'app',
  );
  const floorUrl = `http://127.0.0.1:${helloPort}/`;
  const appUrl = `http://127.0.0.1:${appPort}/api/hello`;
  await httpUp(floorUrl);
  await httpUp(appUrl);
  return { hello, app, floorUrl, appUrl };
}

/** Waits until the serving process stops using CPU after the load (at most 3 s): its after-work belongs to the window. */
export async function settle(window, name) {
  const t0 = Date.now();
  let last = window.ticksOf(name);
  while (Date.now() - t0 < 3000) {
    await sleep(300);
    const now = window.ticksOf(name);
    if (now - last <= 1) break;
    last = now;
  }
  return Date.now() - t0;
}

export async function waitForFile(file, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`${file} was not written`);
    await sleep(100);
  }
}

/** Which code was measured: the servers load their modules at start-up, from the working tree as it is now. */
export function measuredCode(paths) {
  const git = (args) => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return null;
    }
  };
  return {
    commit: git(['rev-parse', '--short', 'HEAD']),
    uncommitted: (git(['status', '--porcelain', '--', ...paths]) ?? '').split('\n').filter(Boolean),
  };
}

/** The "machine during each window" table's rows: [label, cpu window] -> one Markdown row each. */
export function machineRows(entries, { withIrq = false, withPostgres = false } = {}) {
  return entries.map(
    ([label, c]) =>
      `| ${label} | ${(c.elapsedMs / 1000).toFixed(1)} | ${c.loadavgBefore[0]} → ${c.loadavgAfter[0]} | ${Math.round(c.machine.utilisation * 100)} % | ${c.machine.othersCores} | ` +
      (withIrq ? `${Math.round(c.machine.irqSoftirqMs)} | ` : '') +
      (withPostgres
        ? `${c.groups.postgres.processes} (${c.groups.postgres.startedInWindow}/${c.groups.postgres.exitedInWindow}) | `
        : '') +
      `${c.machine.topOthers
        .slice(0, 3)
        .map((o) => `${o.command.slice(0, 40).replace(/\|/g, '/')} ${Math.round(o.cpuMs)}`)
        .join('; ')} |`,
  );
}
