// The whole system as the fault suite runs it: `npm start` in its own process group (output in a log file), the
// processes the runner recorded in .run/system.json, readiness of every service instance, and a stop that stops
// exactly what was started here and nothing else (as load-testing/smoke.mjs does).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './http.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PID_FILE = join(ROOT, '.run', 'system.json');

/** Every service instance of the native run (system/topology.ts, 3 booking replicas) by supervisor name. */
export const INSTANCES = {
  auth: 3001,
  train: 3002,
  'booking-1': 3003,
  'booking-2': 3013,
  'booking-3': 3023,
  payment: 3004,
  notification: 3005,
};

/** Process group of a pid (Linux /proc). */
export function processGroup(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return null;
  }
}

function recorded() {
  try {
    return JSON.parse(readFileSync(PID_FILE, 'utf8'));
  } catch {
    return null;
  }
}

/** GET that answers true on 2xx within `timeoutMs`. */
export async function answers(url, timeoutMs = 1500) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export const instanceReady = (name) => answers(`http://127.0.0.1:${INSTANCES[name]}/health/ready`);

/** Names of the instances not answering /health/ready right now. */
export async function notReady() {
  const names = Object.keys(INSTANCES);
  const ok = await Promise.all(names.map(instanceReady));
  return names.filter((_, i) => !ok[i]);
}

export class System {
  constructor(logFile) {
    this.logFile = logFile;
    this.child = null;
  }

  get running() {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts `npm start`; resolves once the gateway and every instance are ready, or throws after `timeoutMs`. */
  async start({ timeoutMs = 6 * 60_000, env = {} } = {}) {
    mkdirSync(dirname(this.logFile), { recursive: true });
    const log = openSync(this.logFile, 'w');
    this.child = spawn('npm', ['start'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', log, log],
      env: { LOG_LEVEL: 'warn', ...process.env, ...env },
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running)
        throw new Error(`npm start exited (${this.child.exitCode ?? this.child.signalCode}); see ${this.logFile}`);
      if ((await answers('http://127.0.0.1:8080/healthz')) && (await notReady()).length === 0) return;
      if (Date.now() > deadline) throw new Error(`the system was not ready within ${timeoutMs / 1000} s; see ${this.logFile}`);
      await sleep(1000);
    }
  }

  /** The runner we started, as recorded (refuses anyone else's: its runner must be in our process group). */
  runner() {
    const rec = recorded();
    if (!rec || !this.child || processGroup(rec.pid) !== this.child.pid)
      throw new Error('.run/system.json does not name the runner this suite started; refusing to touch it');
    return rec;
  }

  /** Current pid of one supervised process (booking-2, payment, ...). */
  pidOf(name) {
    const child = (this.runner().children ?? []).find((c) => c.name === name);
    if (!child) throw new Error(`the runner records no running ${name}`);
    return child.pid;
  }

  /** kill -9 of one supervised process; returns the pid killed. */
  kill9(name) {
    const pid = this.pidOf(name);
    process.kill(pid, 'SIGKILL');
    return pid;
  }

  /** Lines of the system log matching `pattern` (the supervisor's and services' output), the last `max`. */
  logLines(pattern, max = 20) {
    try {
      return readFileSync(this.logFile, 'utf8')
        .split('\n')
        .filter((l) => pattern.test(l))
        .slice(-max);
    } catch {
      return [];
    }
  }

  /** Stops what this suite started, nothing else: npm stop only for our own runner, then our process group. */
  async stop() {
    if (!this.child) return;
    const rec = recorded();
    if (rec && processGroup(rec.pid) === this.child.pid)
      spawnSync('npm', ['stop'], { cwd: ROOT, stdio: 'inherit', timeout: 45_000 });
    const deadline = Date.now() + 20_000;
    try {
      process.kill(-this.child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
    while (this.running && Date.now() < deadline) await sleep(200);
    if (this.running) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    this.child = null;
  }
}
