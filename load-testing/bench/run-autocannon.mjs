// Drives one autocannon run and measures each response's latency and status itself (autocannon's own
// summary has no p95), so every variant reports req/s, p50/p95/p99 and outcome counts the same way.
import autocannon from 'autocannon';

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function run({ url, connections, seconds, requests, method = 'GET' }) {
  const latencies = [];
  const statuses = {};
  const instance = autocannon({ url, connections, duration: seconds, method, requests, pipelining: 1, timeout: 10 });
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    latencies.push(responseTime);
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const total = latencies.length;
  return {
    rps: Math.round(total / seconds),
    p50: +percentile(latencies, 50).toFixed(2),
    p95: +percentile(latencies, 95).toFixed(2),
    p99: +percentile(latencies, 99).toFixed(2),
    total,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
