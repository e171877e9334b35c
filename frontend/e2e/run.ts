/**
 * `npm run test:browser -w frontend`: the browser tests against the whole system on :8080 (RAIL_BASE_URL).
 * If a system is running (a live runner in .run/system.json, or the gateway answering) it is used as it is
 * and never stopped. Otherwise this starts one (`npm start`, with a 45-second hold so the expiry test can
 * watch a real expiry; OTP echo on), waits for the gateway and the services, runs the tests, and stops
 * what it started (`npm stop` only when the recorded runner is in its own process group).
 * `--screenshots` runs e2e/screenshots.ts the same way. First makes sure Chromium (/usr/bin/chromium, or
 * CHROMIUM_PATH) and a Bengali font are installed (scripts/lib/system-setup.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSystem } from '../../scripts/lib/system-setup.js';
import { BASE_URL } from './lib.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const here = path.dirname(fileURLToPath(import.meta.url));
const frontend = path.resolve(here, '..');
const root = path.resolve(frontend, '..');
const screenshots = process.argv.includes('--screenshots');

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Gateway up, and the services behind it answering (catalog, auth, the web app). */
async function systemReady(): Promise<boolean> {
  for (const p of ['/healthz', '/api/trains/stations', '/api/auth/.well-known/jwks.json', '/'])
    if (!(await answers(BASE_URL + p))) return false;
  return true;
}

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? root, stdio: 'inherit', env: options.env ?? process.env });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const PID_FILE = path.join(root, '.run', 'system.json');

/** The runner pid that `npm start` recorded, when that process is alive. */
function recordedRunner(): number | null {
  try {
    const { pid } = JSON.parse(readFileSync(PID_FILE, 'utf8')) as { pid?: number };
    if (!Number.isInteger(pid)) return null;
    process.kill(pid!, 0);
    return pid!;
  } catch {
    return null;
  }
}

/** Process group of a pid (Linux /proc), to tell our own `npm start` from someone else's. */
function processGroup(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return null;
  }
}

async function waitReady(minutes: number, gaveUp: () => boolean = () => false): Promise<boolean> {
  const deadline = Date.now() + minutes * 60_000;
  while (!(await systemReady())) {
    if (gaveUp() || Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 2000));
  }
  return true;
}

async function main(): Promise<number> {
  // Debian's Chromium and a Bengali font, installed when missing (and allowed), else the command is printed.
  if (!(await ensureSystem({ groups: ['browser'] }))) return 1;
  let system: ChildProcess | null = null;
  const running = recordedRunner() !== null || (await answers(BASE_URL + '/healthz'));
  if (running) {
    // Someone's system (another terminal, compose, CI): use it, wait while it warms up, never stop it.
    say(`▸ using the system already running at ${BASE_URL}; rebuilding the web app it serves`);
    if ((await run('npm', ['run', 'build', '-w', 'frontend'])) !== 0) return 1;
    if (!(await waitReady(5))) {
      console.error(`✗ the system at ${BASE_URL} is running but not ready (gateway, catalog, auth and web app)`);
      return 1;
    }
  } else {
    if (process.env.RAIL_BASE_URL) {
      console.error(`✗ nothing answers at ${BASE_URL} (RAIL_BASE_URL); not starting a local system for a remote URL`);
      return 1;
    }
    mkdirSync(path.join(root, '.run'), { recursive: true });
    const logFile = path.join(root, '.run', 'e2e-system.log');
    say(`▸ nothing answers at ${BASE_URL}: starting the system (npm start; log in ${path.relative(root, logFile)})`);
    const log = openSync(logFile, 'w');
    system = spawn('npm', ['start'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', log, log],
      env: {
        ...process.env,
        HOLD_TTL_SECONDS: process.env.HOLD_TTL_SECONDS ?? '45',
        OTP_DEV_ECHO: process.env.OTP_DEV_ECHO ?? 'true',
      },
    });
    let exited = false;
    system.once('exit', () => (exited = true));
    if (!(await waitReady(7, () => exited))) {
      console.error(`✗ the system did not come up${exited ? ' (npm start exited)' : ' in 7 minutes'}; see ${logFile}`);
      await stop(system);
      return 1;
    }
    say('▸ system ready');
  }

  try {
    if (screenshots)
      return await run(process.execPath, ['--import', 'tsx', path.join(here, 'screenshots.ts')], { cwd: frontend });
    const files = readdirSync(path.join(here, 'tests'))
      .filter((f) => f.endsWith('.e2e.ts'))
      .sort()
      .map((f) => path.join(here, 'tests', f));
    return await run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-timeout=240000', ...files], {
      cwd: frontend,
    });
  } finally {
    if (system) await stop(system);
  }
}

/** Stop the system this script started, and nothing else. */
async function stop(system: ChildProcess): Promise<void> {
  const runner = recordedRunner();
  if (runner !== null && system.pid && processGroup(runner) === system.pid) {
    say('▸ stopping the system we started (npm stop)');
    await run('npm', ['stop']).catch(() => 1);
  }
  if (system.exitCode === null && system.pid) {
    await new Promise((r) => setTimeout(r, 1000));
    try {
      if (system.exitCode === null) process.kill(-system.pid, 'SIGTERM'); // our own process group only
    } catch {
      // already gone
    }
  }
}

process.exitCode = await main();
