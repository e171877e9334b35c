// Stand-ins for what the queue service's background jobs ask of the rest of the system, for bench-queue.mjs:
//   - a JWKS and an Ed25519 key that signs the benchmark's access tokens (travellers, and one operator with roles);
//   - train's GET /internal/sales/:date/seats (SaleSeatsResponse), asked by the admission job every few seconds;
//   - `replicas` booking /metrics endpoints (one port each, as the leader scrapes each replica apart), each a
//     Prometheus text exposition the size and shape of a busy booking replica's (the http_request_duration_seconds
//     histogram over its routes and statuses, plus the process/runtime metrics), whose counters grow between
//     scrapes, so the leader's sampler parses and windows a real-sized page every QUEUE_LOAD_SAMPLE_MS.
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const BUCKETS = ['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
// A healthy replica (p95 under 50 ms, almost no 429/5xx): the leader's verdict is "room", as on a calm system, so
// the bench measures the admission job's ordinary work, not a saturation room for every date on sale.
// `overloaded` (bench-queue --booking overloaded): p95 near 1 s, so after a few samples the leader calls booking
// saturated and runs a room for every date on sale, as it did in the trial rush.
const SHARES = {
  calm: [0.05, 0.15, 0.35, 0.6, 0.85, 0.96, 0.99, 0.995, 0.998, 0.999, 1, 1, 1, 1],
  overloaded: [0, 0, 0.01, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 0.99, 1, 1, 1],
};
const ROUTES = [
  ['POST', '/api/bookings/seats/select', { 201: 40, 409: 30, 403: 5, 429: 0.05 }],
  ['POST', '/api/bookings/seats/confirm', { 200: 30, 409: 2, 403: 1 }],
  ['POST', '/api/bookings/:id/verify-otp', { 200: 30, 400: 1 }],
  ['GET', '/api/bookings/:id', { 200: 40, 404: 1 }],
  ['GET', '/api/bookings', { 200: 5 }],
  ['DELETE', '/api/bookings/:id', { 200: 2, 409: 1 }],
  ['POST', '/api/bookings/waitlist', { 201: 5, 409: 1 }],
  ['GET', '/api/bookings/waitlist/:id', { 200: 20 }],
  ['DELETE', '/api/bookings/waitlist/:id', { 200: 2 }],
  ['POST', '/internal/availability', { 200: 20 }],
  ['GET', '/internal/trips/:tripId/seats', { 200: 20 }],
  ['GET', '/health/ready', { 200: 1 }],
  ['GET', '/metrics', { 200: 1 }],
];

/** One scrape's text: every series' count grows with `n` (the scrape number), so windows are not empty. */
function exposition(n, shares) {
  const lines = [
    '# HELP http_request_duration_seconds Duration of HTTP requests in seconds',
    '# TYPE http_request_duration_seconds histogram',
  ];
  const totals = [];
  for (const [method, route, statuses] of ROUTES) {
    for (const [status, weight] of Object.entries(statuses)) {
      const count = Math.round((n + 10) * weight * 10);
      const labels = `method="${method}",route="${route}",status_code="${status}"`;
      for (const [i, le] of BUCKETS.entries()) {
        lines.push(`http_request_duration_seconds_bucket{le="${le}",${labels}} ${Math.round(count * shares[i])}`);
      }
      lines.push(`http_request_duration_seconds_sum{${labels}} ${(count * 0.012).toFixed(6)}`);
      lines.push(`http_request_duration_seconds_count{${labels}} ${count}`);
      totals.push([labels, count]);
    }
  }
  lines.push('# HELP http_requests_total Requests', '# TYPE http_requests_total counter');
  for (const [labels, count] of totals) lines.push(`http_requests_total{${labels}} ${count}`);
  // The runtime's own metrics (prom-client's defaults: process, heap spaces, GC histograms, event loop).
  lines.push('# HELP nodejs_eventloop_lag_seconds Lag', '# TYPE nodejs_eventloop_lag_seconds gauge');
  for (let i = 0; i < 60; i++) lines.push(`process_or_runtime_metric_${i}{service="booking"} ${i * n}`);
  return `${lines.join('\n')}\n`;
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));
}

export async function startQueueStub({ replicas = 3, seatsTotal = 1375, booking = 'calm' } = {}) {
  const shares = SHARES[booking];
  if (!shares) throw new Error(`booking load: ${Object.keys(SHARES).join(' or ')}`);
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA', use: 'sig' }] });
  const counts = { seats: 0, metrics: 0, jwks: 0 };
  const train = createServer((req, res) => {
    if (req.url === '/jwks.json') {
      counts.jwks += 1;
      return res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    }
    const m = /^\/internal\/sales\/(\d{4}-\d{2}-\d{2})\/seats$/.exec(req.url ?? '');
    if (!m) return res.writeHead(404).end();
    counts.seats += 1;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ date: m[1], trips: 5, seatsTotal, seatsLeft: seatsTotal }));
  });
  let scrapes = 0;
  const bookings = Array.from({ length: replicas }, () =>
    createServer((req, res) => {
      if (req.url !== '/metrics') return res.writeHead(404).end();
      counts.metrics += 1;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition(++scrapes, shares));
    }),
  );
  const url = await listen(train);
  const bookingUrls = await Promise.all(bookings.map(listen));
  const sign = (sub, claims = {}) =>
    new SignJWT({ phone: `+8801${String(700000000 + Number(/\d+$/.exec(sub)?.[0] ?? 0)).slice(-9)}`, name: sub, ...claims })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'bench' })
      .setSubject(sub)
      .setIssuer('rail-auth')
      .setAudience('rail')
      .setIssuedAt()
      .setExpirationTime('14m') // within @rail/auth-verify's maximum token lifetime (15 min)
      .sign(privateKey);
  return {
    url,
    jwksUrl: `${url}/jwks.json`,
    bookingUrls,
    metricsBytes: exposition(1, shares).length,
    counts,
    sign,
    close: () => Promise.all([train, ...bookings].map((s) => new Promise((resolve) => s.close(resolve)))),
  };
}
