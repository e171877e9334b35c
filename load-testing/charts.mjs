// Draws the load-test charts as plain SVG (no dependencies) from saved results, into
// load-testing/charts/, where docs/load-testing.md embeds them. Reads <scenario>-latest.json from
// load-testing/results/ by default, or from --from DIR (e.g. load-testing/reports for the figures in the doc).
// Usage: node load-testing/charts.mjs [--from load-testing/reports]
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULTS_DIR } from './lib/report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { from: { type: 'string', default: RESULTS_DIR }, out: { type: 'string', default: join(here, 'charts') } },
});
mkdirSync(values.out, { recursive: true });
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#17becf'];
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');

function niceMax(v) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v);
}

/** @param {{title: string, series: {name: string, points: [number, number][]}[], xLabel: string, yLabel: string}} o */
function lineChart({ title, series, xLabel, yLabel, width = 760, height = 300 }) {
  const m = { l: 64, r: 16, t: 34, b: 46 };
  const pts = series.flatMap((s) => s.points);
  const xMax = niceMax(Math.max(1, ...pts.map((p) => p[0])));
  const yMax = niceMax(Math.max(0, ...pts.map((p) => p[1])));
  const W = width - m.l - m.r;
  const H = height - m.t - m.b;
  const x = (v) => m.l + (v / xMax) * W;
  const y = (v) => m.t + H - (v / yMax) * H;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  for (let i = 0; i <= 5; i += 1) {
    const yv = (yMax / 5) * i;
    const xv = (xMax / 5) * i;
    out.push(`<line x1="${m.l}" x2="${m.l + W}" y1="${y(yv)}" y2="${y(yv)}" stroke="#eee"/>`);
    out.push(`<text x="${m.l - 6}" y="${y(yv) + 4}" text-anchor="end">${+yv.toPrecision(3)}</text>`);
    out.push(`<text x="${x(xv)}" y="${m.t + H + 16}" text-anchor="middle">${+xv.toPrecision(3)}</text>`);
  }
  out.push(
    `<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${m.t + H}" stroke="#333"/><line x1="${m.l}" x2="${m.l + W}" y1="${m.t + H}" y2="${m.t + H}" stroke="#333"/>`,
  );
  out.push(`<text x="${m.l + W / 2}" y="${height - 8}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(14 ${m.t + H / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    if (s.points.length)
      out.push(
        `<polyline fill="none" stroke="${c}" stroke-width="1.6" points="${s.points.map((p) => `${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join(' ')}"/>`,
      );
    out.push(
      `<rect x="${m.l + 10 + (i % 4) * 150}" y="${m.t + 2 + Math.floor(i / 4) * 14}" width="10" height="10" fill="${c}"/><text x="${m.l + 24 + (i % 4) * 150}" y="${m.t + 11 + Math.floor(i / 4) * 14}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}

/** @param {{title: string, bars: {label: string, value: number}[]}} o */
function barChart({ title, bars, width = 760 }) {
  const rowH = 22;
  const m = { l: 230, r: 80, t: 34 };
  const height = m.t + bars.length * rowH + 16;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const W = width - m.l - m.r;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>`,
  ];
  bars.forEach((b, i) => {
    const yy = m.t + i * rowH;
    out.push(`<text x="${m.l - 6}" y="${yy + 14}" text-anchor="end">${esc(b.label)}</text>`);
    out.push(
      `<rect x="${m.l}" y="${yy + 3}" width="${Math.max(1, (b.value / max) * W)}" height="${rowH - 6}" fill="${COLORS[i % COLORS.length]}"/>`,
    );
    out.push(`<text x="${m.l + (b.value / max) * W + 4}" y="${yy + 14}">${b.value}</text>`);
  });
  out.push('</svg>');
  return out.join('\n');
}

function load(name) {
  const file = join(values.from, `${name}-latest.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}
const written = [];
function save(file, svg) {
  writeFileSync(join(values.out, file), svg + '\n');
  written.push(file);
}
const timeSeriesCharts = (prefix, r, label) => {
  const s = r.series.requests;
  save(
    `${prefix}-throughput.svg`,
    lineChart({
      title: `${label}: throughput`,
      xLabel: 'seconds',
      yLabel: 'requests/s',
      series: [
        { name: 'answered/s', points: s.map((p) => [p.t, p.rps]) },
        { name: '5xx or no answer/s', points: s.map((p) => [p.t, p.errors]) },
      ],
    }),
  );
  save(
    `${prefix}-latency.svg`,
    lineChart({
      title: `${label}: latency per second (all requests)`,
      xLabel: 'seconds',
      yLabel: 'ms',
      series: [
        { name: 'p50', points: s.filter((p) => p.p50 !== null).map((p) => [p.t, p.p50]) },
        { name: 'p99', points: s.filter((p) => p.p99 !== null).map((p) => [p.t, p.p99]) },
      ],
    }),
  );
};
const cpuChart = (prefix, r, label) => {
  const groups = [...new Set(r.system.cpu.flatMap((c) => Object.keys(c)))].filter((k) => k !== 't');
  const top = groups
    .map((g) => [g, r.system.cpu.reduce((a, c) => a + (c[g] ?? 0), 0)])
    .sort((a, b) => b[1] - a[1])
    .slice(0, 7)
    .map(([g]) => g);
  save(
    `${prefix}-cpu.svg`,
    lineChart({
      title: `${label}: CPU by process (100 = one core)`,
      xLabel: 'seconds',
      yLabel: '% of a core',
      series: top.map((g) => ({ name: g, points: r.system.cpu.map((c) => [c.t, c[g] ?? 0]) })),
    }),
  );
};

const rush = load('rush');
if (rush) {
  timeSeriesCharts('rush', rush, 'Rush');
  cpuChart('rush', rush, 'Rush');
  save(
    'rush-seats.svg',
    lineChart({
      title: `Rush: seats held, paid and confirmed (of ${rush.params.seatsFree})`,
      xLabel: 'seconds',
      yLabel: 'seats',
      series: [
        { name: 'held', points: rush.series.held },
        { name: 'paid', points: rush.series.paid ?? [] },
        { name: 'confirmed', points: rush.series.confirmed },
      ],
    }),
  );
  const sel = rush.summary.requests.select?.statuses ?? {};
  save(
    'rush-outcomes.svg',
    barChart({
      title: 'Rush: what happened to each user, and to each select',
      bars: [
        ...Object.entries(rush.summary.outcomes).map(([k, v]) => ({
          label: k.startsWith('retried') ? k : `user: ${k}`,
          value: v,
        })),
        ...Object.entries(sel).map(([k, v]) => ({ label: `select answered ${k}`, value: v })),
      ],
    }),
  );
}
const bp = load('breakpoint');
if (bp) {
  save(
    'breakpoint-steps.svg',
    lineChart({
      title: 'Breakpoint (select): offered vs achieved rate',
      xLabel: 'offered requests/s',
      yLabel: 'requests/s',
      series: [
        { name: 'achieved', points: bp.steps.map((s) => [s.rate, s.achievedRps]) },
        { name: 'ideal', points: bp.steps.map((s) => [s.rate, s.rate]) },
      ],
    }),
  );
  save(
    'breakpoint-latency.svg',
    lineChart({
      title: 'Breakpoint (select): latency per step',
      xLabel: 'offered requests/s',
      yLabel: 'ms',
      series: [
        { name: 'p50', points: bp.steps.map((s) => [s.rate, s.p50]) },
        { name: 'p95', points: bp.steps.map((s) => [s.rate, s.p95]) },
        { name: 'p99', points: bp.steps.map((s) => [s.rate, s.p99]) },
      ],
    }),
  );
  cpuChart('breakpoint', bp, 'Breakpoint');
}
const soak = load('soak');
if (soak) {
  timeSeriesCharts('soak', soak, 'Soak');
  const ports = [...new Set(soak.system.metrics.flatMap((m) => Object.keys(m.services)))];
  save(
    'soak-memory.svg',
    lineChart({
      title: 'Soak: resident memory per service process',
      xLabel: 'seconds',
      yLabel: 'MiB',
      series: ports.map((p) => ({
        name: `:${p}`,
        points: soak.system.metrics
          .filter((m) => m.services[p])
          .map((m) => [m.t, Math.round((m.services[p].process_resident_memory_bytes ?? 0) / 2 ** 20)]),
      })),
    }),
  );
  save(
    'soak-eventloop.svg',
    lineChart({
      title: 'Soak: event-loop delay p99 per service process',
      xLabel: 'seconds',
      yLabel: 'ms',
      series: ports.map((p) => ({
        name: `:${p}`,
        points: soak.system.metrics
          .filter((m) => m.services[p])
          .map((m) => [m.t, Math.round((m.services[p].nodejs_eventloop_lag_p99_seconds ?? 0) * 10000) / 10]),
      })),
    }),
  );
  const apps = [...new Set(soak.system.metrics.flatMap((m) => Object.keys(m.pg ?? {})))].slice(0, 8);
  save(
    'soak-pg.svg',
    lineChart({
      title: 'Soak: PostgreSQL connections by application and state',
      xLabel: 'seconds',
      yLabel: 'connections',
      series: apps.map((a) => ({ name: a, points: soak.system.metrics.map((m) => [m.t, m.pg?.[a] ?? 0]) })),
    }),
  );
}
console.log(
  written.length ? `wrote ${written.map((f) => join(values.out, f)).join(', ')}` : `no results found in ${values.from}`,
);
