// The hello-world baselines on their own (see lib/baseline.mjs): nginx answering /healthz itself,
// and nginx in front of a Fastify app of our stack with no database (the auth service's JWKS),
// each closed-loop at several connection counts, so other results can be read as ratios.
// Usage: node load-testing/baseline.mjs [--seconds 10] [--connections 16,64,256]
import { parseArgs } from 'node:util';
import { measureBaseline, BASELINES } from './lib/baseline.mjs';
import { startMonitor } from './lib/monitor.mjs';
import { saveResult } from './lib/report.mjs';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '16,64,256' } },
});
const mon = startMonitor();
const runs = [];
for (const name of Object.keys(BASELINES)) {
  for (const c of values.connections.split(',').map(Number)) {
    const from = mon.elapsed();
    const r = await measureBaseline(name, { seconds: Number(values.seconds), connections: c });
    runs.push({ ...r, cpu: mon.cpuBetween(from, mon.elapsed()) });
    console.log(`${name} c=${c}: ${r.rps} req/s p50 ${r.p50} ms p99 ${r.p99} ms`);
  }
}
const system = await mon.stop();
const rows = runs
  .map(
    (r) =>
      `| ${r.name} | ${r.path} | ${r.connections} | ${r.rps} | ${r.p50} | ${r.p99} | ${JSON.stringify(r.statuses)} | ${r.cpu.machine}% | nginx ${r.cpu.nginx ?? 0}%, loadgen ${r.cpu.loadgen ?? 0}%, auth ${r.cpu['auth:3001'] ?? r.cpu.auth ?? 0}% |`,
  )
  .join('\n');
const md = `# Hello-world baselines through the gateway (closed loop, ${values.seconds} s each)

| baseline | path | connections | req/s | p50 ms | p99 ms | statuses | machine CPU | CPU by process |
|---|---|---:|---:|---:|---:|---|---:|---|
${rows}
`;
saveResult('baseline', { runs, system }, md);
