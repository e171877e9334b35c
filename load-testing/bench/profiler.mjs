// Preloaded into a benchmarked process (`node --import ./load-testing/bench/profiler.mjs ...`): the V8 CPU
// profiler (the same one `--cpu-prof` uses), started and stopped by SIGWINCH (ignored by default; close-with-grace
// takes SIGUSR2 as a shutdown and SIGUSR1 belongs to the inspector) so a profile covers exactly one
// measured window instead of the whole life of the process (start-up, warm-up and the other variants).
// Each stop writes `<CPU_PROFILE_DIR>/<CPU_PROFILE_NAME>-<n>.cpuprofile` (written to a temporary name, then renamed).
import { Session } from 'node:inspector';
import { renameSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.CPU_PROFILE_DIR ?? process.cwd();
const name = process.env.CPU_PROFILE_NAME ?? `process-${process.pid}`;
const intervalUs = Number(process.env.CPU_PROFILE_INTERVAL_US ?? 1000);
const session = new Session();
session.connect();
const post = (method, params) =>
  new Promise((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res))));

let running = false;
let n = 0;
process.on('SIGWINCH', () => {
  const toggle = running
    ? post('Profiler.stop').then(({ profile }) => {
        mkdirSync(dir, { recursive: true });
        const file = join(dir, `${name}-${++n}.cpuprofile`);
        writeFileSync(`${file}.tmp`, JSON.stringify(profile));
        renameSync(`${file}.tmp`, file);
        running = false;
      })
    : post('Profiler.enable')
        .then(() => post('Profiler.setSamplingInterval', { interval: intervalUs }))
        .then(() => post('Profiler.start'))
        .then(() => {
          running = true;
        });
  toggle.catch((err) => console.error('profiler:', err));
});
