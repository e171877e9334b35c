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
const ROUTES = [
  ['POST', '/api/bookings/seats/select', ['201', '409', '403', '429']],
  ['POST', '/api/bookings/seats/confirm', ['200', '409', '403']],
  ['POST', '/api/bookings/:id/verify-otp', ['200', '400']],
  ['GET', '/api/bookings/:id', ['200', '404']],
  ['GET', '/api/bookings', ['200']],
  ['DELETE', '/api/bookings/:id', ['200', '409']],
  ['POST', '/api/bookings/waitlist', ['201', '409']],
  ['GET', '/api/bookings/waitlist/:id', ['200']],
  ['DELETE', '/api/bookings/waitlist/:id', ['200']],
  ['POST', '/internal/availability', ['200']],
  ['GET', '/internal/trips/:tripId/seats', ['200']],
  ['GET', '/health/ready', ['200']],
  ['GET', '/metrics', ['200']],
];

/** One scrape's text: every series' count grows with `n` (the scrape number), so windows are not empty. */
function exposition(n) {
  const lines = [
    '# HELP http_request_duration_seconds Duration of HTTP requests in seconds',
    '# TYPE http_request_duration_seconds histogram',
  ];
  const totals = [];
  for (const [method, route, statuses] of ROUTES) {
    for (const [k, status] of statuses.entries()) {
      const count = n * (40 + 17 * k) + 1000;
      let cum = 0;
      for (const [i, le] of BUCKETS.entries()) {
        cum = le === '+Inf' ? count : Math.min(count, Math.round((count * (i + 1)) / BUCKETS.length));
        lines.push(
          `http_request_duration_seconds_bucket{le="${le}",method="${method}",route="${route}",status_code="${status}"} ${cum}`,
        );
      }
      const labels = `method="${method}",route="${route}",status_code="${status}"`;
      lines.push(`http_request_duration_seconds_sum{${labels}} ${(count * 0.012).toFixed(6)}`);
      lines.push(`http_request_duration_seconds_count{${labels}} ${count}`);
      totals.push([labels, count]);
    }
  }
  lines.push('# HELP http_requests_total Requests', '# TYPE http_requests_total counter');
  for (const [labels, count] of totals) lines.push(`http_requests_total{${labels}} ${count}`);
  lines.push('# HELP nodejs_eventloop_lag_seconds Lag', '# TYPE nodejs_eventloop_lag_seconds gauge');
  for (let i = 0; i < 60; i++) lines.push(`process_or_runtime_metric_${i}{service="booking"} ${i * n}`);
  return `${lines.join('\n')}\n`;
}

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)));
}

export async function startQueueStub({ replicas = 3, seatsTotal = 1375 } = {}) {
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
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(exposition(++scrapes));
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
    metricsBytes: exposition(1).length,
    counts,
    sign,
    close: () => Promise.all([train, ...bookings].map((s) => new Promise((resolve) => s.close(resolve)))),
  };
}
