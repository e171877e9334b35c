// `npm stop`: stops a system started by `npm start` / `npm run dev` in another terminal. It signals the
// runner recorded in .run/system.json (SIGTERM), which stops every service and the gateway gracefully,
// and waits until it is gone; after 30 s it says so instead of killing blindly.
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

if (!existsSync(PID_FILE)) {
  console.log('nothing to stop: no system started by npm start is running (.run/system.json is absent)');
  process.exit(0);
}
const { pid, url } = JSON.parse(readFileSync(PID_FILE, 'utf8'));
if (!Number.isInteger(pid) || !alive(pid)) {
  rmSync(PID_FILE, { force: true });
  console.log(`nothing to stop: the recorded runner (pid ${pid}) is gone; removed the stale .run/system.json`);
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
console.log('✓ stopped');
