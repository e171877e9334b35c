// Closed-model ceiling with wrk (C, far cheaper per request than any Node generator): select from
// prepared users and random seats next to nginx's own /healthz, same connections, same run.
// Usage: node load-testing/wrk.mjs [--connections 200] [--seconds 15] [--threads 2]
import { parseArgs } from 'node:util';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient, BASE_URL } from './lib/http.mjs';
import { dhakaDate, loadTokens, seatsOf, tripsOn } from './lib/system.mjs';
import { RESULTS_DIR, keyValueTable, saveResult } from './lib/report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '15' },
    threads: { type: 'string', default: '2' },
    days: { type: 'string', default: '3' },
    name: { type: 'string', default: 'wrk' },
  },
});

const users = loadTokens(100);
const setup = createClient({ maxSockets: 16 });
const lines = [];
for (let d = 1; d <= Number(values.days); d += 1) {
  for (const trip of await tripsOn(setup, dhakaDate(d))) {
    for (const seat of await seatsOf(setup, trip.tripId)) {
      const u = users[lines.length % users.length];
      lines.push(`${u.token}\t${u.xff}\t${trip.tripId}\t${seat.seatId}`);
    }
  }
}
setup.close();
mkdirSync(RESULTS_DIR, { recursive: true });
const dataFile = join(RESULTS_DIR, 'wrk-select.tsv');
writeFileSync(dataFile, lines.join('\n') + '\n');

function wrk(script, path, extra = []) {
  const out = execFileSync(
    'wrk',
    [
      '-t',
      values.threads,
      '-c',
      values.connections,
      '-d',
      `${values.seconds}s`,
      '--timeout',
      '10s',
      '-s',
      join(here, 'wrk', script),
      `${BASE_URL}${path}`,
      ...extra,
    ],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  const json = JSON.parse(
    out
      .split('\n')
      .find((l) => l.startsWith('WRK_JSON '))
      .slice(9),
  );
  return { ...json, rps: Math.round(json.requests / json.seconds) };
}

const hello = wrk('hello.lua', '/healthz');
const select = wrk('select.lua', '/', ['--', dataFile]);
const result = { params: values, hello, select, ratio: Math.round((select.rps / hello.rps) * 1000) / 1000 };
const md = `# wrk closed model: ${values.connections} connections, ${values.threads} threads, ${values.seconds} s each

${keyValueTable({
  'hello (nginx /healthz)': `${hello.rps} req/s, p50 ${hello.p50} ms, p99 ${hello.p99} ms, statuses ${JSON.stringify(hello.statuses)}`,
  'select (random seat, random user)': `${select.rps} req/s, p50 ${select.p50} ms, p99 ${select.p99} ms, p99.9 ${select.p999} ms, statuses ${JSON.stringify(select.statuses)}, socket errors ${select.socketErrors}`,
  'select / hello': result.ratio,
})}

Holds are not released here (wrk cannot chain requests), so the longer it runs the more selects are
409s answered from Redis alone: read the status counts with the throughput.
`;
saveResult(values.name, result, md);
