// The sales-opening rush (see lib/rush.mjs): 10,000 users, the 1,375 seats of one day, everyone
// arriving within a few seconds; prints and saves throughput, latency, outcomes, time to sold out
// and the double-sell check. Exits non-zero on any 5xx or double-sold seat.
// Usage: node load-testing/rush.mjs [--users 10000] [--ramp 3] [--connections 1500] [--no-pay]
import { parseArgs } from 'node:util';
import { loadTokens } from './lib/system.mjs';
import { runRush, rushFailures } from './lib/rush.mjs';
import { keyValueTable, requestTable, saveResult } from './lib/report.mjs';
import { gatewayTable } from './lib/gateway-log.mjs';
import { cpuPerRequest } from './lib/monitor.mjs';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    ramp: { type: 'string', default: '3' },
    connections: { type: 'string', default: '1500' },
    'max-attempts': { type: 'string', default: '25' },
    'no-pay': { type: 'boolean', default: false },
    'map-refresh-after': { type: 'string', default: '5' },
    name: { type: 'string', default: 'rush' },
  },
});

const users = loadTokens(Number(values.users)).slice(0, Number(values.users));
const result = await runRush({
  users,
  rampSeconds: Number(values.ramp),
  connections: Number(values.connections),
  maxAttempts: Number(values['max-attempts']),
  pay: !values['no-pay'],
  mapRefreshAfter: Number(values['map-refresh-after']),
});
const problems = rushFailures(result);
const p = result.params;
const r = result.rush;
const requests = Object.values(result.summary.requests).reduce((a, b) => a + b.count, 0);
const cpu = result.system?.cpu ? cpuPerRequest(result.system.cpu, requests) : null;
const md = `# Sales-opening rush (${p.users} users over ${p.rampSeconds} s, ${p.seatsFree} seats of ${p.date})

${keyValueTable({
  'wall time (s)': result.summary.durationSeconds,
  'requests/s (all)': result.summary.total.rps,
  'select p50 / p99 / p99.9 (ms)': `${result.summary.requests.select?.p50} / ${result.summary.requests.select?.p99} / ${result.summary.requests.select?.p999}`,
  'seats held / paid / confirmed': `${r.seatsHeld} / ${r.seatsPaid} / ${r.seatsConfirmed}`,
  'every free seat held after (s)': r.allHeldAfterSeconds ?? 'not reached',
  'every free seat paid after (s)': r.soldOutPaidSeconds ?? 'not reached',
  'every free seat CONFIRMED after (s)': r.soldOutThroughPaymentSeconds ?? 'not reached',
  '5xx or unanswered': result.summary.total.errors,
  'double-sold (client side)': r.clientSideDoubleSold,
  'booking_db check': r.db,
  'user outcomes': result.summary.outcomes,
  'system CPU per request (ms), CPU-s by process': cpu
    ? `${cpu.msPerRequest} over ${requests} requests; ${JSON.stringify(cpu.byProcess)}`
    : 'n/a',
})}

As the load generator saw it (one Node process on the same cores as the system: its own queueing is included):

${requestTable(result.summary.requests)}

As the gateway saw it (nginx's request time, from the access log of the run's window):

${gatewayTable(result.gateway)}

${problems.length ? `FAILED:\n${problems.map((x) => `- ${x}`).join('\n')}` : 'PASSED: zero 5xx, zero double-sold seats.'}
`;
saveResult(values.name, result, md);
if (problems.length) process.exit(1);
