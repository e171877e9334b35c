/**
 * Booking's load as the admission job measures it: each booking replica's Prometheus /metrics (the
 * `http_request_duration_seconds` histogram every service exports, packages/http) is read every few seconds and
 * the difference from the previous read gives, over that window and over all replicas, the p95 latency of API
 * requests (routes under /api/) and the share answered 5xx or 429. Plain fetch with a timeout: the endpoint is
 * text, not the JSON @rail/service-client checks against a schema. A replica that does not answer is left out of
 * that window (its counters are read again next time).
 */
import type { BookingLoad } from '../domain/admission.js';

const METRIC = 'http_request_duration_seconds';

/** Cumulative counts of one scrape, summed over the API routes: buckets by upper bound, and errors. */
export interface ScrapeTotals {
  buckets: Map<number, number>;
  count: number;
  errors: number;
}

function labelsOf(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const m of text.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[m[1]!] = m[2]!;
  return labels;
}

/** Parses the histogram out of a Prometheus text exposition. */
export function parseScrape(text: string): ScrapeTotals {
  const totals: ScrapeTotals = { buckets: new Map(), count: 0, errors: 0 };
  for (const line of text.split('\n')) {
    if (!line.startsWith(METRIC)) continue;
    const open = line.indexOf('{');
    const close = line.lastIndexOf('}');
    if (open < 0 || close < open) continue;
    const name = line.slice(0, open);
    const labels = labelsOf(line.slice(open + 1, close));
    if (!labels.route?.startsWith('/api/')) continue;
    const value = Number(
      line
        .slice(close + 1)
        .trim()
        .split(' ')[0],
    );
    if (!Number.isFinite(value)) continue;
    if (name === `${METRIC}_bucket`) {
      const le = labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le);
      totals.buckets.set(le, (totals.buckets.get(le) ?? 0) + value);
    } else if (name === `${METRIC}_count`) {
      totals.count += value;
      const status = Number(labels.status_code);
      if (status >= 500 || status === 429) totals.errors += value;
    }
  }
  return totals;
}

/** The window between two scrapes of one replica (a restart, counters lower than before, counts from zero). */
export function windowOf(prev: ScrapeTotals | undefined, next: ScrapeTotals): ScrapeTotals {
  if (!prev || next.count < prev.count) return next;
  const buckets = new Map<number, number>();
  for (const [le, v] of next.buckets) buckets.set(le, Math.max(0, v - (prev.buckets.get(le) ?? 0)));
  return { buckets, count: next.count - prev.count, errors: Math.max(0, next.errors - prev.errors) };
}

export function sumWindows(windows: ScrapeTotals[]): ScrapeTotals {
  const sum: ScrapeTotals = { buckets: new Map(), count: 0, errors: 0 };
  for (const w of windows) {
    sum.count += w.count;
    sum.errors += w.errors;
    for (const [le, v] of w.buckets) sum.buckets.set(le, (sum.buckets.get(le) ?? 0) + v);
  }
  return sum;
}

/** A quantile (0..1) in ms from cumulative buckets, interpolated inside its bucket as Prometheus does. */
export function quantileMs(window: ScrapeTotals, q: number): number | null {
  const bounds = [...window.buckets.keys()].sort((a, b) => a - b);
  const total = window.buckets.get(Number.POSITIVE_INFINITY) ?? window.count;
  if (total <= 0) return null;
  const target = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const le of bounds) {
    const cum = window.buckets.get(le)!;
    if (cum >= target) {
      if (le === Number.POSITIVE_INFINITY) return lowerBound * 1000;
      const share = cum === lowerCount ? 1 : (target - lowerCount) / (cum - lowerCount);
      return (lowerBound + (le - lowerBound) * share) * 1000;
    }
    lowerBound = le;
    lowerCount = cum;
  }
  return lowerBound * 1000;
}

export function loadOf(window: ScrapeTotals, minRequests: number): BookingLoad {
  if (window.count < minRequests) return { p95Ms: null, errorShare: null, requests: window.count };
  return { p95Ms: quantileMs(window, 0.95), errorShare: window.errors / window.count, requests: window.count };
}

export interface BookingLoadSampler {
  /** Booking's load since the previous call; null when no replica answered. */
  sample(): Promise<BookingLoad | null>;
}

export function createBookingLoadSampler(options: {
  baseUrls: string[];
  timeoutMs: number;
  minRequests: number;
}): BookingLoadSampler {
  const previous = new Map<string, ScrapeTotals>();
  const scrape = async (baseUrl: string): Promise<ScrapeTotals | null> => {
    try {
      const response = await fetch(new URL('/metrics', baseUrl), { signal: AbortSignal.timeout(options.timeoutMs) });
      if (!response.ok) return null;
      const next = parseScrape(await response.text());
      const window = windowOf(previous.get(baseUrl), next);
      const first = !previous.has(baseUrl);
      previous.set(baseUrl, next);
      // The first read of a replica has no window before it (its totals since start say nothing about now).
      return first ? { buckets: new Map(), count: 0, errors: 0 } : window;
    } catch {
      return null;
    }
  };
  return {
    async sample() {
      const windows = (await Promise.all(options.baseUrls.map(scrape))).filter((w): w is ScrapeTotals => w !== null);
      if (windows.length === 0) return null;
      return loadOf(sumWindows(windows), options.minRequests);
    },
  };
}
