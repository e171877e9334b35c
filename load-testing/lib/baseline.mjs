// Hello-world references measured through the same client and, where possible, the same nginx, in
// the same run as the scenario, so every figure is also a ratio that carries to another machine:
//   nginx-static: GET /healthz, answered by nginx itself (the gateway's ceiling);
//   fastify-jwks: GET /api/auth/.well-known/jwks.json, nginx -> a Fastify app built by createApp,
//                 no database (the ceiling of one service process of our stack behind the gateway).
import { createClient, vuAddress } from './http.mjs';
import { closedLoop } from './generator.mjs';
import { Recorder } from './stats.mjs';

export const BASELINES = {
  'nginx-static': '/healthz',
  'fastify-jwks': '/api/auth/.well-known/jwks.json',
};

/** Closed loop for `seconds` with `connections` workers: the most this client gets through. */
export async function measureBaseline(name, { seconds = 5, connections = 64 } = {}) {
  const client = createClient({ maxSockets: connections });
  const rec = new Recorder();
  let n = 0;
  await closedLoop({
    connections,
    seconds,
    fire: async () => {
      n += 1;
      rec.record(name, await client.request({ path: BASELINES[name], xff: vuAddress(n % 50_000), parse: false }));
    },
  });
  client.close();
  const s = rec.summary(seconds).requests[name];
  return { name, path: BASELINES[name], connections, seconds, rps: s.rps, p50: s.p50, p99: s.p99, statuses: s.statuses };
}

export async function measureBaselines(opts) {
  const out = {};
  for (const name of Object.keys(BASELINES)) out[name] = await measureBaseline(name, opts);
  return out;
}
