// `npm stop`: stops a system started by `npm start` / `npm run dev` in another terminal. It signals the
// runner recorded in .run/system.json (SIGTERM), whose supervisor stops every service and the gateway gracefully
// (restarted ones included: they are its children too), and waits until it is gone; after 30 s it says so instead of
// killing blindly. Should the runner itself have been killed outright (kill -9), the processes it started would
// still run: the runner records them in the same file, and they are stopped here (each only while its pid still
// runs the recorded program, so a reused pid is never signalled).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../system/topology.ts';

const PID_FILE = path.join(ROOT, '.run', 'system.json');

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Is this pid still the recorded program (its argv[0])? Without /proc, trust the pid. */
function stillRuns(child) {
  if (!Number.isInteger(child.pid) || child.pid <= 1 || !alive(child.pid)) return false;
  try {
    const argv0 = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0')[0];
    // nginx rewrites its title ("nginx: master process /usr/sbin/nginx ..."), so "contains" for it.
    return !child.command || argv0 === child.command || argv0.includes(` ${child.command} `);
  } catch {
    return !existsSync('/proc/self');
  }
}

/** Stops processes a dead runner left behind: SIGTERM to each one's process group, SIGKILL after 15 s. */
async function stopOrphans(children) {
  const left = children.filter(stillRuns);
  if (left.length === 0) return;
  console.log(`stopping ${left.length} process(es) the runner left behind: ${left.map((c) => c.name).join(', ')}`);
  const signal = (child, sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      try {
        process.kill(child.pid, sig);
      } catch {
        // gone
      }
    }
  };
  for (const child of left) signal(child, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (left.some((c) => alive(c.pid)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  for (const child of left.filter((c) => alive(c.pid))) {
    console.warn(`! ${child.name} (pid ${child.pid}) did not stop within 15 s: SIGKILL`);
    signal(child, 'SIGKILL');
  }
}

if (!existsSync(PID_FILE)) {
  console.log('nothing to stop: no system started by npm start is running (.run/system.json is absent)');
  process.exit(0);
}
const { pid, url, children = [] } = JSON.parse(readFileSync(PID_FILE, 'utf8'));
if (!Number.isInteger(pid) || !alive(pid)) {
  await stopOrphans(children);
  rmSync(PID_FILE, { force: true });
  console.log(`nothing else to stop: the recorded runner (pid ${pid}) is gone; removed the stale .run/system.json`);
  process.exit(0);
}
console.log(`stopping the system at ${url} (runner pid ${pid}) ...`);
process.kill(pid, 'SIGTERM');
const deadline = Date.now() + 30_000;
while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
if (alive(pid)) {
  console.error(`✗ pid ${pid} is still running after 30 s; look at its terminal, or: kill -9 ${pid}`);
  process.exit(1);
}
await stopOrphans(children);
console.log('✓ stopped');
