// What one login costs: logs in N seeded users from scratch (argon2id verify on the auth service)
// while sampling CPU per process, and reports logins/s and auth CPU ms per login, the most
// expensive request of the opening minute and an input of the capacity plan.
// Usage: node load-testing/login-cost.mjs [--users 1000] [--concurrency 16]
import { parseArgs } from 'node:util';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { prepareTokens } from './lib/tokens.mjs';
import { startMonitor } from './lib/monitor.mjs';
import { RESULTS_DIR, keyValueTable, saveResult } from './lib/report.mjs';

const { values } = parseArgs({
  options: { users: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '16' } },
});
const file = join(RESULTS_DIR, 'tokens-login-cost.json');
rmSync(file, { force: true });
const mon = startMonitor();
const t0 = performance.now();
await prepareTokens({ users: Number(values.users), concurrency: Number(values.concurrency), file, quiet: true });
const seconds = (performance.now() - t0) / 1000;
const cpu = mon.cpuBetween(0, mon.elapsed());
const system = await mon.stop();
rmSync(file, { force: true });
const perSecond = Number(values.users) / seconds;
const authMs = Math.round((((cpu['auth:3001'] ?? 0) * 10) / perSecond) * 100) / 100;
const result = { params: values, seconds, loginsPerSecond: Math.round(perSecond), authCpuMsPerLogin: authMs, cpu, system };
saveResult(
  'login-cost',
  result,
  `# Login cost (${values.users} logins, ${values.concurrency} at a time)\n\n${keyValueTable({
    'logins/s': Math.round(perSecond),
    'auth CPU ms per login': authMs,
    'mean CPU % by process': cpu,
  })}\n`,
);
