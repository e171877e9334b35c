// Samples what the system does during a run, without extra tools: CPU per process group from
// /proc (nginx, each service replica by port, postgres, redis, rabbitmq, the load generator,
// everything else), the services' Prometheus /metrics (memory, event-loop delay, any pool gauges)
// and PostgreSQL connections per application from pg_stat_activity (read-only).
import { readFileSync, readdirSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { cpus } from 'node:os';
import http from 'node:http';

const CLK_TCK = 100;
export const SERVICE_PORTS = (process.env.LOAD_SERVICE_PORTS ?? '3001,3002,3003,3013,3023,3004,3005,3006').split(',').map(Number);

function readProcStat(pid) {
  const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]); // utime + stime, in ticks
}

function classify(pid, self) {
  if (pid === self) return 'loadgen';
  let argv;
  try {
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return null;
  }
  if (argv.length === 0) return null;
  const cmd = argv.join(' ');
  const exe = argv[0].split('/').pop() ?? '';
  if (exe.startsWith('nginx')) return 'nginx';
  if (exe.startsWith('postgres')) return 'postgres';
  if (exe.startsWith('redis-server')) return 'redis';
  if (exe === 'beam.smp' || cmd.includes('rabbitmq')) return 'rabbitmq';
  if (cmd.includes('locust')) return 'locust';
  if (cmd.includes('scripts/start.mjs')) return 'runner';
  if (exe === 'wrk') return 'loadgen';
  const m = cmd.match(/services\/(auth|train|booking|payment|notification|queue)\//);
  if (m) {
    let port = '';
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      port = env.find((e) => e.startsWith('PORT='))?.slice(5) ?? '';
    } catch {
      /* process gone */
    }
    // Only the running system's instances; services started by someone's tests count as `other`.
    return SERVICE_PORTS.includes(Number(port)) ? `${m[1]}:${port}` : null;
  }
  return null;
}

function readTotalCpu() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const idle = line[3] + line[4];
  const total = line.reduce((a, b) => a + b, 0);
  return { idle, total };
}

function get(port, path, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 ? body : null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

const WANTED = [
  'process_resident_memory_bytes',
  'nodejs_heap_size_used_bytes',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_eventloop_lag_max_seconds',
  'nodejs_eventloop_lag_mean_seconds',
  'nodejs_active_handles_total',
];

/** Picks the gauges we chart from a Prometheus text page; pool gauges by name (`*pool*`). */
export function parseMetrics(text) {
  const out = {};
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.length === 0) continue;
    const sp = line.lastIndexOf(' ');
    const key = line.slice(0, sp);
    const name = key.split('{')[0];
    if (WANTED.includes(name) || (/pool/.test(name) && !name.endsWith('_bucket'))) {
      const labels = key.includes('{') ? key.slice(key.indexOf('{')) : '';
      const clean = labels.replace(/,?service="[^"]*"/, '').replace('{,', '{');
      out[clean === '{}' || clean === '' ? name : `${name}${clean}`] = Number(line.slice(sp + 1));
    }
  }
  return out;
}

function pgConnections() {
  const sql =
    "select coalesce(json_object_agg(k, n), '{}') from (select coalesce(nullif(application_name,''), datname) || ':' || coalesce(state,'?') as k, count(*) as n from pg_stat_activity where datname like '%\\_db' group by 1) s";
  return new Promise((resolve) => {
    execFile(
      'psql',
      ['-h', process.env.PGHOST ?? '127.0.0.1', '-U', 'postgres', '-d', 'postgres', '-Atc', sql],
      { timeout: 3000 },
      (err, stdout) => {
        if (err) return resolve(null);
        try {
          resolve(JSON.parse(stdout.trim() || '{}'));
        } catch {
          resolve(null);
        }
      },
    );
  });
}

export function startMonitor({ intervalMs = 1000, metricsEveryMs = 2000 } = {}) {
  const t0 = performance.now();
  const cores = cpus().length;
  const cpuSamples = [];
  const metricSamples = [];
  let groups = new Map();
  let lastTicks = new Map();
  let lastTotal = readTotalCpu();
  let lastAt = performance.now();

  const discover = () => {
    const next = new Map();
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      const g = classify(Number(d), process.pid);
      if (g) next.set(Number(d), g);
    }
    groups = next;
  };
  discover();
  for (const pid of groups.keys()) {
    try {
      lastTicks.set(pid, readProcStat(pid));
    } catch {
      /* gone */
    }
  }

  const sampleCpu = () => {
    const now = performance.now();
    const dt = (now - lastAt) / 1000;
    const byGroup = {};
    const ticks = new Map();
    for (const [pid, g] of groups) {
      try {
        const t = readProcStat(pid);
        ticks.set(pid, t);
        const prev = lastTicks.get(pid);
        if (prev !== undefined) byGroup[g] = (byGroup[g] ?? 0) + ((t - prev) / CLK_TCK / dt) * 100;
      } catch {
        /* exited */
      }
    }
    const total = readTotalCpu();
    const busy = 1 - (total.idle - lastTotal.idle) / Math.max(1, total.total - lastTotal.total);
    const machine = busy * cores * 100;
    const known = Object.values(byGroup).reduce((a, b) => a + b, 0);
    for (const k of Object.keys(byGroup)) byGroup[k] = Math.round(byGroup[k]);
    cpuSamples.push({
      t: Math.round((now - t0) / 100) / 10,
      machine: Math.round(machine),
      other: Math.max(0, Math.round(machine - known)),
      ...byGroup,
    });
    lastTicks = ticks;
    lastTotal = total;
    lastAt = now;
  };

  let n = 0;
  const cpuTimer = setInterval(() => {
    n += 1;
    if (n % 5 === 0) discover();
    sampleCpu();
  }, intervalMs);
  let busyMetrics = false;
  const sampleMetrics = async () => {
    if (busyMetrics) return;
    busyMetrics = true;
    const t = Math.round((performance.now() - t0) / 100) / 10;
    const services = {};
    await Promise.all(
      SERVICE_PORTS.map(async (port) => {
        const text = await get(port, '/metrics');
        if (text) services[port] = parseMetrics(text);
      }),
    );
    const pg = await pgConnections();
    metricSamples.push({ t, services, pg });
    busyMetrics = false;
  };
  void sampleMetrics();
  const metricsTimer = setInterval(() => void sampleMetrics(), metricsEveryMs);

  return {
    cpuSamples,
    metricSamples,
    /** Mean CPU % (100 = one core) per group between two times (seconds since start). */
    cpuBetween(from, to) {
      const inRange = cpuSamples.filter((s) => s.t > from && s.t <= to);
      const sums = {};
      for (const s of inRange) for (const [k, v] of Object.entries(s)) if (k !== 't') sums[k] = (sums[k] ?? 0) + v;
      for (const k of Object.keys(sums)) sums[k] = Math.round(sums[k] / Math.max(1, inRange.length));
      return sums;
    },
    elapsed: () => (performance.now() - t0) / 1000,
    async stop() {
      clearInterval(cpuTimer);
      clearInterval(metricsTimer);
      await sampleMetrics();
      return { cores, cpu: cpuSamples, metrics: metricSamples };
    },
  };
}

/** First/last/max of each gauge per service over a run: the soak's "did it stay flat" table. */
export function metricTrends(metricSamples) {
  const out = {};
  for (const s of metricSamples) {
    for (const [port, m] of Object.entries(s.services)) {
      for (const [k, v] of Object.entries(m)) {
        const key = `${port} ${k}`;
        const e = (out[key] ??= { first: v, last: v, max: v, min: v });
        e.last = v;
        e.max = Math.max(e.max, v);
        e.min = Math.min(e.min, v);
      }
    }
  }
  return out;
}

/**
 * CPU time the system spent per answered request over a run, from the monitor's samples (% of one core per
 * process, averaged over each sample's interval): every system process, not the load generator, the runner or
 * other tenants. PostgreSQL's backends are counted only as far as the monitor sees them.
 * @returns {{msPerRequest: number, cpuSeconds: number, byProcess: Record<string, number>}}
 */
export function cpuPerRequest(cpuSamples, requests) {
  const byProcess = {};
  for (let i = 1; i < cpuSamples.length; i += 1) {
    const dt = cpuSamples[i].t - cpuSamples[i - 1].t;
    for (const [k, v] of Object.entries(cpuSamples[i])) {
      if (['t', 'machine', 'other', 'loadgen', 'runner'].includes(k)) continue;
      byProcess[k] = (byProcess[k] ?? 0) + (v / 100) * dt;
    }
  }
  const cpuSeconds = Object.values(byProcess).reduce((a, b) => a + b, 0);
  const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    msPerRequest: requests > 0 ? round((cpuSeconds / requests) * 1000, 3) : 0,
    cpuSeconds: round(cpuSeconds, 1),
    byProcess: Object.fromEntries(Object.entries(byProcess).map(([k, v]) => [k, round(v, 1)])),
  };
}
