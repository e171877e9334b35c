import { describe, expect, it } from 'vitest';
import { loadOf, parseScrape, quantileMs, sumWindows, windowOf } from '../../src/clients/booking-load.js';

function exposition(route: string, status: number, perBucket: Record<string, number>): string {
  const lines = Object.entries(perBucket).map(
    ([le, v]) =>
      `http_request_duration_seconds_bucket{le="${le}",method="POST",route="${route}",status_code="${status}",service="booking"} ${v}`,
  );
  const count = perBucket['+Inf'] ?? 0;
  lines.push(
    `http_request_duration_seconds_count{method="POST",route="${route}",status_code="${status}",service="booking"} ${count}`,
  );
  return lines.join('\n');
}

describe("booking's load from its /metrics", () => {
  const ok = exposition('/api/bookings/select', 200, { '0.01': 80, '0.1': 90, '0.5': 100, '+Inf': 100 });
  const busy = exposition('/api/bookings/select', 429, { '0.01': 10, '0.1': 10, '0.5': 10, '+Inf': 10 });
  const health = exposition('/health/ready', 500, { '0.01': 1000, '+Inf': 1000 });

  it('sums the API routes, counts 5xx and 429 as errors and leaves health checks out', () => {
    const totals = parseScrape(['# HELP x', ok, busy, health].join('\n'));
    expect(totals.count).toBe(110);
    expect(totals.errors).toBe(10);
    expect(totals.buckets.get(Number.POSITIVE_INFINITY)).toBe(110);
  });
  it('interpolates p95 inside its bucket', () => {
    const totals = parseScrape(ok);
    // 95 of 100: between 0.1 s (90) and 0.5 s (100): 0.1 + 0.4 * 5/10 = 0.3 s.
    expect(quantileMs(totals, 0.95)).toBeCloseTo(300);
    expect(quantileMs(totals, 0.5)).toBeCloseTo(6.25);
  });
  it('measures the window between two scrapes, across replicas, restarts and quiet windows', () => {
    const before = parseScrape(ok);
    const after = parseScrape(exposition('/api/bookings/select', 200, { '0.01': 80, '0.1': 90, '0.5': 200, '+Inf': 200 }));
    const w = windowOf(before, after);
    expect(w.count).toBe(100);
    expect(quantileMs(w, 0.95)).toBeCloseTo(480);
    expect(windowOf(after, before).count).toBe(100);
    expect(sumWindows([w, w]).count).toBe(200);
    expect(loadOf(w, 50)).toMatchObject({ errorShare: 0, requests: 100 });
    expect(loadOf(w, 500)).toEqual({ p95Ms: null, errorShare: null, requests: 100 });
  });
});
