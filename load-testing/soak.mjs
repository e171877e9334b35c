// Mixed traffic as in the brief's Locust scenario, at a steady open-model arrival rate for several
// minutes: search 5 : select 10 (hold, then release like a user who changes their mind) : view
// booking 3 : full purchase 1 (select -> passengers -> OTP -> card -> CONFIRMED). Watches that
// memory, event-loop delay and PostgreSQL connections stay flat (first vs last minute).
// Usage: node load-testing/soak.mjs [--rate 150] [--minutes 4] [--users 10000]
import { parseArgs } from 'node:util';
import { createClient } from './lib/http.mjs';
import { openLoop } from './lib/generator.mjs';
import { Recorder } from './lib/stats.mjs';
import { startMonitor } from './lib/monitor.mjs';
import { ROUTES, completePurchase, dhakaDate, loadTokens, seatsOf, tripsOn } from './lib/system.mjs';
import { measureBaselines } from './lib/baseline.mjs';
import { keyValueTable, requestTable, saveResult } from './lib/report.mjs';
import { prepareTokens } from './lib/tokens.mjs';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '150' },
    minutes: { type: 'string', default: '4' },
    users: { type: 'string', default: '10000' },
    days: { type: 'string', default: '10' },
    name: { type: 'string', default: 'soak' },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.minutes) * 60;
const users = loadTokens(100).slice(0, Number(values.users));
const setup = createClient({ maxSockets: 16 });
const dates = Array.from({ length: Number(values.days) }, (_, i) => dhakaDate(i + 1));
const trips = [];
for (const date of dates) trips.push(...(await tripsOn(setup, date)));
for (const t of trips) t.seatIds = (await seatsOf(setup, t.tripId)).map((s) => s.seatId);
setup.close();
console.log(`soak: ${rate} tasks/s for ${seconds} s over ${trips.length} trips, ${users.length} users`);

const baselines = await measureBaselines({ seconds: 5 });
const client = createClient({ maxSockets: 2000 });
const rec = new Recorder();
const mon = startMonitor({ metricsEveryMs: 5000 });
const pick = (a) => a[Math.floor(Math.random() * a.length)];
const owned = []; // [user, bookingId] pairs to view
const TASKS = [...Array(5).fill('search'), ...Array(10).fill('select'), ...Array(3).fill('view'), 'purchase'];

async function select(u, dueAt) {
  const trip = pick(trips);
  const res = await client.request({
    method: 'POST',
    path: '/api/bookings/seats/select',
    token: u.token,
    xff: u.xff,
    dueAt,
    body: { tripId: trip.tripId, seatIds: [pick(trip.seatIds)] },
  });
  rec.record('select', res);
  rec.outcome(
    res.status === 201 ? 'select-held' : res.status === 409 ? `select-${res.body?.code ?? 409}` : `select-${res.status}`,
  );
  return res.status === 201 ? res.body : null;
}

// Access tokens live at most 15 minutes (auth-verify's maximum age), less than a long soak: refresh the users'
// tokens every 4 minutes (refresh is cheap: no password hash) and hand the new ones to the same user objects.
let refreshing = Promise.resolve();
const refresher = setInterval(() => {
  refreshing = (async () => {
    try {
      await prepareTokens({ users: users.length, minValidMinutes: 10, quiet: true });
      const fresh = new Map(loadTokens(1).map((u) => [u.index, u]));
      for (const u of users) {
        const f = fresh.get(u.index);
        if (f) Object.assign(u, { token: f.token, refreshToken: f.refreshToken, expiresAt: f.expiresAt });
      }
    } catch (e) {
      console.error(`soak: refreshing tokens failed: ${e.message}`);
    }
  })();
}, 4 * 60_000);

const gen = await openLoop({
  rate,
  seconds,
  fire: async (dueAt) => {
    const u = pick(users);
    const task = pick(TASKS);
    if (task === 'search') {
      const [from, to] = pick(ROUTES);
      rec.record(
        'search',
        await client.request({ path: `/api/trains/search?from=${from}&to=${to}&date=${pick(dates)}`, xff: u.xff, dueAt }),
      );
    } else if (task === 'select') {
      const held = await select(u, dueAt);
      if (held)
        rec.record(
          'release',
          await client.request({ method: 'DELETE', path: `/api/bookings/${held.bookingId}`, token: u.token, xff: u.xff }),
        );
    } else if (task === 'view') {
      const own = owned.length ? pick(owned) : null;
      if (own)
        rec.record(
          'view-booking',
          await client.request({ path: `/api/bookings/${own[1]}`, token: own[0].token, xff: own[0].xff, dueAt }),
        );
      else
        rec.record('list-bookings', await client.request({ path: '/api/bookings?limit=10', token: u.token, xff: u.xff, dueAt }));
    } else {
      const held = await select(u, dueAt);
      if (!held) return;
      const result = await completePurchase(client, rec, u, held);
      rec.outcome(result === 'CONFIRMED' ? 'purchased' : `purchase-failed:${result}`);
      if (result === 'CONFIRMED' && owned.length < 5000) owned.push([u, held.bookingId]);
    }
  },
});
clearInterval(refresher);
await refreshing;
const system = await mon.stop();
client.close();
const summary = rec.summary(seconds);

// Flatness: mean of each gauge over the first and the last minute of the run.
function window(samples, from, to) {
  const acc = {};
  for (const s of samples.filter((x) => x.t >= from && x.t < to)) {
    for (const [port, m] of Object.entries(s.services)) {
      for (const [k, v] of Object.entries(m)) {
        const key = `${port} ${k}`;
        (acc[key] ??= []).push(v);
      }
    }
    for (const [k, v] of Object.entries(s.pg ?? {})) (acc[`pg ${k}`] ??= []).push(v);
  }
  return Object.fromEntries(Object.entries(acc).map(([k, vs]) => [k, vs.reduce((a, b) => a + b, 0) / vs.length]));
}
const first = window(system.metrics, 0, 60);
const lastMinute = window(system.metrics, seconds - 60, seconds + 30);
const flat = {};
for (const key of Object.keys(first)) {
  if (!/resident_memory|heap_size_used|eventloop_lag_p99|^pg |pool/.test(key)) continue;
  const a = first[key];
  const b = lastMinute[key] ?? 0;
  // Bytes as MiB and seconds as ms, so the table reads at a glance.
  const scale = key.endsWith('_bytes') ? 1 / 2 ** 20 : key.endsWith('_seconds') ? 1000 : 1;
  const unit = key.endsWith('_bytes') ? ' MiB' : key.endsWith('_seconds') ? ' ms' : '';
  const show = (v) => `${Math.round(v * scale * 10) / 10}${unit}`;
  flat[key] = {
    firstMinute: show(a),
    lastMinute: show(b),
    change: a ? `${Math.round(((b - a) / a) * 100)}%` : '-',
  };
}
// Mean CPU per process group over the run, and CPU time per answered request (the capacity plan's input).
const cpuMean = {};
for (const c of system.cpu)
  for (const [k, v] of Object.entries(c)) if (k !== 't') cpuMean[k] = (cpuMean[k] ?? 0) + v / system.cpu.length;
const cpuMsPerRequest = Object.fromEntries(
  Object.entries(cpuMean)
    .filter(([k]) => !['machine', 'other'].includes(k))
    .map(([k, v]) => [k, Math.round(((v * 10) / Math.max(1, summary.total.rps)) * 1000) / 1000]),
);
const result = {
  params: { rate, seconds, users: users.length, trips: trips.length },
  baselines,
  generator: gen,
  summary,
  flat,
  cpuMean,
  cpuMsPerRequest,
  series: { requests: rec.timeSeries() },
  system,
};
const flatRows = Object.entries(flat)
  .map(([k, v]) => `| ${k} | ${v.firstMinute} | ${v.lastMinute} | ${v.change} |`)
  .join('\n');
const md = `# Soak: mixed traffic at ${rate} tasks/s for ${seconds / 60} min (search 5 : select 10 : view 3 : purchase 1)

${keyValueTable({
  'requests/s (all)': summary.total.rps,
  'hello-world baselines, same client, same run (req/s)': Object.fromEntries(
    Object.values(baselines).map((b) => [b.name, b.rps]),
  ),
  'this run as a share of nginx-static': `${Math.round((summary.total.rps / (baselines['nginx-static']?.rps ?? NaN)) * 1000) / 10} %`,
  'p50 / p95 / p99 / p99.9 (ms, all)': `${summary.total.p50} / ${summary.total.p95} / ${summary.total.p99} / ${summary.total.p999}`,
  '5xx or unanswered': summary.total.errors,
  outcomes: summary.outcomes,
  generator: gen,
  'mean CPU % by process (100 = one core)': Object.fromEntries(Object.entries(cpuMean).map(([k, v]) => [k, Math.round(v)])),
  'CPU ms per answered request': cpuMsPerRequest,
})}

${requestTable(summary.requests)}

## Did it stay flat? (first vs last minute)

| gauge | first minute | last minute | change |
|---|---:|---:|---:|
${flatRows}
`;
saveResult(values.name, result, md);
