// Latency and outcome recording for the load scenarios: exact percentiles (sorted samples, not
// buckets), status counts per request name, and a per-second time series for the charts.

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

const round = (v) => (v === null ? null : Math.round(v * 100) / 100);

export function summarize(samples) {
  const sorted = Float64Array.from(samples).sort();
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    mean: round(sorted.length ? sum / sorted.length : null),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    p999: round(percentile(sorted, 99.9)),
    max: round(sorted.length ? sorted[sorted.length - 1] : null),
  };
}

/** A 5xx, or no HTTP answer at all (reset, refused, timeout). 409 and 429 are answers, not errors. */
export const isError = (status) => status === 0 || status >= 500;

export class Recorder {
  constructor() {
    this.t0 = performance.now();
    this.names = new Map();
    this.seconds = [];
    this.outcomes = {};
    this.transportErrors = {};
    this.errorSamples = {};
  }

  /** Restart the clock (e.g. after warm-up) without dropping what was recorded. */
  markStart() {
    this.t0 = performance.now();
  }

  record(name, res) {
    let entry = this.names.get(name);
    if (!entry) {
      entry = { latencies: [], statuses: {} };
      this.names.set(name, entry);
    }
    entry.latencies.push(res.ms);
    entry.statuses[res.status] = (entry.statuses[res.status] ?? 0) + 1;
    if (res.error) this.transportErrors[res.error] = (this.transportErrors[res.error] ?? 0) + 1;
    if (isError(res.status)) {
      // A few answers per failing request kind, so a report says why, not only how many.
      const samples = (this.errorSamples[`${name} ${res.status}`] ??= []);
      if (samples.length < 3) samples.push(res.error ?? JSON.stringify(res.body)?.slice(0, 300) ?? null);
    }
    const sec = Math.max(0, Math.floor((performance.now() - this.t0) / 1000));
    let s = this.seconds[sec];
    if (!s) {
      s = { count: 0, errors: 0, latencies: [] };
      this.seconds[sec] = s;
    }
    s.count += 1;
    if (isError(res.status)) s.errors += 1;
    s.latencies.push(res.ms);
  }

  outcome(name, n = 1) {
    this.outcomes[name] = (this.outcomes[name] ?? 0) + n;
  }

  elapsedSeconds() {
    return (performance.now() - this.t0) / 1000;
  }

  /** @param {number} durationSeconds wall time the throughput is computed over */
  summary(durationSeconds = this.elapsedSeconds()) {
    const requests = {};
    const all = [];
    const statuses = {};
    for (const [name, e] of this.names) {
      requests[name] = {
        ...summarize(e.latencies),
        rps: round(e.latencies.length / durationSeconds),
        statuses: e.statuses,
        errors: Object.entries(e.statuses)
          .filter(([s]) => isError(Number(s)))
          .reduce((a, [, n]) => a + n, 0),
      };
      for (const v of e.latencies) all.push(v);
      for (const [s, n] of Object.entries(e.statuses)) statuses[s] = (statuses[s] ?? 0) + n;
    }
    const errors = Object.entries(statuses)
      .filter(([s]) => isError(Number(s)))
      .reduce((a, [, n]) => a + n, 0);
    return {
      durationSeconds: round(durationSeconds),
      total: { ...summarize(all), rps: round(all.length / durationSeconds), errors, statuses },
      requests,
      outcomes: this.outcomes,
      transportErrors: this.transportErrors,
      errorSamples: this.errorSamples,
    };
  }

  timeSeries() {
    const out = [];
    for (let i = 0; i < this.seconds.length; i += 1) {
      const s = this.seconds[i] ?? { count: 0, errors: 0, latencies: [] };
      const sm = summarize(s.latencies);
      out.push({ t: i, rps: s.count, errors: s.errors, p50: sm.p50, p99: sm.p99 });
    }
    return out;
  }
}
