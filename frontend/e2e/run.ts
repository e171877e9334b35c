/**
 * `npm run test:browser -w frontend`: the browser tests against the whole system on :8080 (RAIL_BASE_URL).
 * If nothing answers there, it builds and starts the system itself (`npm start`, with a 45-second hold so
 * the expiry test can watch a real expiry; OTP echo on), waits for the gateway and the services, runs the
 * tests, and stops it again with `npm stop`. `--screenshots` runs e2e/screenshots.ts the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

async function main(): Promise<number> {
  let system: ChildProcess | null = null;
  if (await systemReady()) {
    say(`▸ using the system already running at ${BASE_URL}; rebuilding the web app it serves`);
    if ((await run('npm', ['run', 'build', '-w', 'frontend'])) !== 0) return 1;
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
    const deadline = Date.now() + 420_000;
    let exited = false;
    system.once('exit', () => (exited = true));
    while (!(await systemReady())) {
      if (exited || Date.now() > deadline) {
        console.error(`✗ the system did not come up${exited ? ' (npm start exited)' : ' in 7 minutes'}; see ${logFile}`);
        await stop(system);
        return 1;
      }
      await new Promise((r) => setTimeout(r, 2000));
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

async function stop(system: ChildProcess): Promise<void> {
  say('▸ stopping the system (npm stop)');
  await run('npm', ['stop']).catch(() => 1);
  if (system.exitCode === null && system.pid) {
    await new Promise((r) => setTimeout(r, 2000));
    // Still there (npm stop found no runner): end the process group we started, and only that.
    if (system.exitCode === null) {
      try {
        process.kill(-system.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}

process.exitCode = await main();
