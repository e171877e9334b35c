// Breakpoint on POST /api/bookings/seats/select: an open-model arrival rate raised step by step
// until select's p99 or its error rate crosses the threshold. Each request is a random prepared
// user (its own client address) selecting a random seat of a random trip; winners release their
// hold at once (DELETE, recorded apart) so the inventory stays as free as at the start and the
// mix of winners and losers stays steady. Reports the breaking rate, what saturated (CPU per
// process, event-loop delay, PostgreSQL connections) and the ratio to hello-world baselines.
// Usage: node load-testing/breakpoint.mjs [--rates 100,200,...] [--step 15] [--p99 200] [--errors 0.01] [--mode spread|hot]
import { parseArgs } from 'node:util';
import { createClient } from './lib/http.mjs';
import { openLoop } from './lib/generator.mjs';
import { Recorder } from './lib/stats.mjs';
import { startMonitor, metricTrends } from './lib/monitor.mjs';
import { dhakaDate, loadTokens, seatsOf, tripsOn } from './lib/system.mjs';
import { measureBaselines } from './lib/baseline.mjs';
import { keyValueTable, saveResult } from './lib/report.mjs';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '100,200,400,600,800,1000,1300,1600,2000,2500,3000' },
    step: { type: 'string', default: '15' },
    p99: { type: 'string', default: '200' },
    errors: { type: 'string', default: '0.01' },
    users: { type: 'string', default: '10000' },
    days: { type: 'string', default: '3' },
    mode: { type: 'string', default: 'spread' },
    'no-release': { type: 'boolean', default: false },
    connections: { type: 'string', default: '2000' },
    name: { type: 'string', default: 'breakpoint' },
    'no-baseline': { type: 'boolean', default: false },
  },
});
const rates = values.rates.split(',').map(Number);
const stepSeconds = Number(values.step);
const p99Limit = Number(values.p99);
const errorLimit = Number(values.errors);
const release = !values['no-release'];
const hot = values.mode === 'hot';

const users = loadTokens(Math.min(Number(values.users), 100)).slice(0, Number(values.users));
// The catalogue may live elsewhere when select is driven at one booking instance directly (LOAD_BASE_URL).
const setup = createClient({ maxSockets: 16, baseUrl: process.env.LOAD_CATALOG_URL });
const trips = [];
for (let d = 1; d <= Number(values.days); d += 1) trips.push(...(await tripsOn(setup, dhakaDate(d))));
for (const t of trips) t.seatIds = (await seatsOf(setup, t.tripId)).map((s) => s.seatId);
const hotTrip = trips[0];
setup.close();
console.log(
  `breakpoint: ${trips.length} trips, ${trips.reduce((a, t) => a + t.seatIds.length, 0)} seats, ${users.length} users, mode ${values.mode}`,
);

const baselines = await measureBaselines({ seconds: 5 });
console.log(
  `baselines: ${Object.values(baselines)
    .map((b) => `${b.name} ${b.rps} req/s p50 ${b.p50} ms`)
    .join('; ')}`,
);

const client = createClient({ maxSockets: Number(values.connections), timeoutMs: 10_000 });
const overall = new Recorder();
const mon = startMonitor();
const steps = [];
let broke = null;
const pick = (a) => a[Math.floor(Math.random() * a.length)];

for (const rate of rates) {
  const rec = new Recorder();
  const from = mon.elapsed();
  const gen = await openLoop({
    rate,
    seconds: stepSeconds,
    fire: async (dueAt) => {
      const u = pick(users);
      const trip = hot ? hotTrip : pick(trips);
      const seatIds = hot ? hotTrip.seatIds.slice(0, 2) : [pick(trip.seatIds)];
      const res = await client.request({
        method: 'POST',
        path: '/api/bookings/seats/select',
        token: u.token,
        xff: u.xff,
        dueAt,
        body: { tripId: trip.tripId, seatIds },
      });
      rec.record('select', res);
      overall.record('select', res);
      if (res.status === 201) {
        rec.outcome('held');
        if (release) {
          const d = await client.request({
            method: 'DELETE',
            path: `/api/bookings/${res.body.bookingId}`,
            token: u.token,
            xff: u.xff,
          });
          rec.record('release', d);
          overall.record('release', d);
        }
      } else if (res.status === 409) rec.outcome(res.body?.code ?? 'conflict');
      else rec.outcome(`status-${res.status}`);
    },
  });
  const to = mon.elapsed();
  const s = rec.summary(stepSeconds);
  const sel = s.requests.select;
  const errorRate = sel.errors / Math.max(1, sel.count);
  const shed = ((sel.statuses[429] ?? 0) + (sel.statuses[503] ?? 0)) / Math.max(1, sel.count);
  const last = mon.metricSamples[mon.metricSamples.length - 1];
  const step = {
    rate,
    achievedRps: sel.rps,
    p50: sel.p50,
    p95: sel.p95,
    p99: sel.p99,
    p999: sel.p999,
    errorRate: Math.round(errorRate * 10_000) / 10_000,
    shed429or503: Math.round(shed * 10_000) / 10_000,
    statuses: sel.statuses,
    outcomes: s.outcomes,
    release: s.requests.release
      ? { p50: s.requests.release.p50, p99: s.requests.release.p99, statuses: s.requests.release.statuses }
      : null,
    generator: gen,
    cpu: mon.cpuBetween(from, to),
    // CPU time per offered select (its release included), per process group: the figure that survives a
    // noisy machine best and that the capacity plan multiplies out.
    cpuMsPerSelect: null,
    eventLoopP99ms: Object.fromEntries(
      Object.entries(last?.services ?? {}).map(([port, m]) => [
        port,
        Math.round((m.nodejs_eventloop_lag_p99_seconds ?? 0) * 1000),
      ]),
    ),
    pg: last?.pg ?? null,
  };
  step.cpuMsPerSelect = Object.fromEntries(
    Object.entries(step.cpu)
      .filter(([k]) => !['machine', 'other'].includes(k))
      .map(([k, v]) => [k, Math.round(((v * 10) / Math.max(1, sel.rps)) * 100) / 100]),
  );
  steps.push(step);
  console.log(
    `rate ${rate}/s: achieved ${step.achievedRps}/s p50 ${step.p50} p99 ${step.p99} ms errors ${(errorRate * 100).toFixed(2)}% shed ${(shed * 100).toFixed(2)}% cpu ${JSON.stringify(step.cpu)} gen-lag ${gen.meanDispatchLagMs} ms`,
  );
  if (step.p99 > p99Limit || errorRate > errorLimit) {
    broke = step;
    break;
  }
}
const system = await mon.stop();
client.close();

const sustained = steps.filter((s) => s !== broke).pop() ?? null;
function saturation(step) {
  if (!step) return null;
  const procs = Object.entries(step.cpu)
    .filter(([k]) => !['machine', 'other'].includes(k))
    .sort((a, b) => b[1] - a[1]);
  return {
    machineCpuPercent: step.cpu.machine,
    otherTenantsCpuPercent: step.cpu.other,
    busiest: procs.slice(0, 4).map(([k, v]) => `${k} ${v}%`),
    generatorLagged: step.generator.meanDispatchLagMs > 5,
  };
}
const hello = baselines['nginx-static'].rps;
const result = {
  params: { rates, stepSeconds, p99Limit, errorLimit, mode: values.mode, release, users: users.length, trips: trips.length },
  baselines,
  steps,
  brokeAt: broke ? broke.rate : null,
  maxSustained: sustained ? { rate: sustained.rate, achievedRps: sustained.achievedRps, p99: sustained.p99 } : null,
  saturation: saturation(broke ?? steps[steps.length - 1]),
  ratios:
    sustained && hello
      ? {
          selectPerNginxStatic: Math.round((sustained.achievedRps / hello) * 1000) / 1000,
          selectPerFastifyJwks: Math.round((sustained.achievedRps / baselines['fastify-jwks'].rps) * 1000) / 1000,
        }
      : null,
  series: { requests: overall.timeSeries() },
  trends: metricTrends(system.metrics),
  system,
};
const rows = steps
  .map(
    (s) =>
      `| ${s.rate} | ${s.achievedRps} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.p999} | ${(s.errorRate * 100).toFixed(2)}% | ${(s.shed429or503 * 100).toFixed(2)}% | ${s.outcomes.held ?? 0}/${s.outcomes.SEAT_UNAVAILABLE ?? 0} | ${s.cpu.machine}% | ${Object.entries(
        s.cpu,
      )
        .filter(([k]) => !['machine', 'other'].includes(k))
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([k, v]) => `${k} ${v}%`)
        .join(', ')} |`,
  )
  .join('\n');
const md = `# Breakpoint: POST /api/bookings/seats/select (${values.mode}, open model, ${stepSeconds} s steps)

Threshold: p99 > ${p99Limit} ms or errors (5xx, no answer) > ${errorLimit * 100}%.

| offered/s | achieved/s | p50 ms | p95 ms | p99 ms | p99.9 ms | errors | 429/503 | held/taken | machine CPU | busiest |
|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|
${rows}

${keyValueTable({
  'broke at (offered req/s)': result.brokeAt ?? `not reached (max offered ${rates[rates.length - 1]})`,
  'max sustained': result.maxSustained,
  saturation: result.saturation,
  'baseline nginx static': `${baselines['nginx-static'].rps} req/s, p50 ${baselines['nginx-static'].p50} ms`,
  'baseline nginx + Fastify (jwks)': `${baselines['fastify-jwks'].rps} req/s, p50 ${baselines['fastify-jwks'].p50} ms`,
  ratios: result.ratios,
})}
`;
saveResult(values.name, result, md);
