// Medians over the repeated runs of run-final.sh (breakpoint-1..3, rush-1..3), written with the
// runs' key figures to load-testing/reports/summary.json; the median run of each scenario is copied
// there as <scenario>-latest.json for the charts.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULTS_DIR } from './lib/report.mjs';

const REPORTS = join(dirname(fileURLToPath(import.meta.url)), 'reports');
mkdirSync(REPORTS, { recursive: true });
const load = (name) => {
  const f = join(RESULTS_DIR, `${name}-latest.json`);
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : null;
};
// A time that was never reached (null) counts as longer than any reached one.
const median = (xs) => {
  const s = xs.map((x) => (typeof x === 'number' ? x : Infinity)).sort((a, b) => a - b);
  const m = s.length ? s[Math.floor((s.length - 1) / 2)] : Infinity;
  return Number.isFinite(m) ? m : null;
};

const bps = [1, 2, 3].map((i) => load(`breakpoint-${i}`)).filter(Boolean);
const rushes = [1, 2, 3].map((i) => load(`rush-${i}`)).filter(Boolean);
const bpRows = bps.map((b) => ({
  brokeAt: b.brokeAt,
  maxSustained: b.maxSustained?.achievedRps ?? null,
  p99AtMaxSustained: b.maxSustained?.p99 ?? null,
  nginxStatic: b.baselines['nginx-static'].rps,
  fastifyJwks: b.baselines['fastify-jwks'].rps,
  ratioToNginx: b.ratios?.selectPerNginxStatic ?? null,
  ratioToFastify: b.ratios?.selectPerFastifyJwks ?? null,
  otherCpuAtBreak: b.saturation?.otherTenantsCpuPercent ?? null,
  busiest: b.saturation?.busiest ?? null,
}));
const rushRows = rushes.map((r) => ({
  selectP50: r.summary.requests.select?.p50,
  selectP99: r.summary.requests.select?.p99,
  allHeld: r.rush.allHeldAfterSeconds,
  allPaid: r.rush.soldOutPaidSeconds,
  allConfirmed: r.rush.soldOutThroughPaymentSeconds,
  held: r.rush.seatsHeld,
  paid: r.rush.seatsPaid,
  errors: r.summary.total.errors,
  statuses: r.summary.total.statuses,
  doubleSold: r.rush.db.overlappingLivePairs,
  rps: r.summary.total.rps,
}));
const pick = (rows, key) => median(rows.map((r) => r[key]));
const summary = {
  breakpoint: {
    runs: bpRows,
    median: Object.fromEntries(
      ['brokeAt', 'maxSustained', 'p99AtMaxSustained', 'nginxStatic', 'fastifyJwks', 'ratioToNginx', 'ratioToFastify'].map(
        (k) => [k, pick(bpRows, k)],
      ),
    ),
  },
  rush: {
    runs: rushRows,
    median: Object.fromEntries(
      ['selectP50', 'selectP99', 'allHeld', 'allPaid', 'allConfirmed', 'held', 'paid', 'errors', 'rps'].map((k) => [
        k,
        pick(rushRows, k),
      ]),
    ),
  },
};
writeFileSync(join(REPORTS, 'summary.json'), JSON.stringify(summary, null, 1) + '\n');
console.log(JSON.stringify(summary, null, 1));

// The run closest to the median (by the headline figure) is the one the charts show.
function medianRun(runs, rows, key, target) {
  let best = 0;
  rows.forEach((r, i) => {
    if (Math.abs((r[key] ?? Infinity) - target) < Math.abs((rows[best][key] ?? Infinity) - target)) best = i;
  });
  return runs[best];
}
if (bps.length)
  writeFileSync(
    join(REPORTS, 'breakpoint-latest.json'),
    JSON.stringify(medianRun(bps, bpRows, 'maxSustained', summary.breakpoint.median.maxSustained)),
  );
if (rushes.length)
  writeFileSync(
    join(REPORTS, 'rush-latest.json'),
    JSON.stringify(medianRun(rushes, rushRows, 'selectP99', summary.rush.median.selectP99)),
  );
for (const name of ['soak', 'baseline', 'wrk', 'login-cost']) {
  const f = join(RESULTS_DIR, `${name}-latest.json`);
  if (existsSync(f)) copyFileSync(f, join(REPORTS, `${name}-latest.json`));
}
// The reports are committed: keep them in the repository's format.
execFileSync(
  process.execPath,
  [
    join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'prettier', 'bin', 'prettier.cjs'),
    '--write',
    '--log-level',
    'warn',
    REPORTS,
  ],
  { stdio: 'inherit' },
);
