// Stand-in for the train service's inventory endpoint plus a JWKS, for the select benchmark: contract-shaped
// trips (5 stops, 5 coaches x 55 seats) and an Ed25519 key that signs the benchmark's access tokens.
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

const STOPS = ['DHK', 'BHB', 'AKH', 'CML', 'CTG'];
const CLASSES = ['SHOVAN', 'S_CHAIR', 'SNIGDHA', 'AC_S', 'S_CHAIR'];
const CODES = ['KA', 'KHA', 'GA', 'GHA', 'UMA'];

export function seatIdsOf(tripId) {
  const ids = [];
  for (let c = 0; c < 5; c++) for (let s = 0; s < 55; s++) ids.push(tripId * 10_000 + c * 1000 + s + 1);
  return ids;
}

function inventory(tripId) {
  const start = Date.parse('2026-04-01T06:00:00Z');
  const fares = {};
  for (const [k, cls] of [...new Set(CLASSES)].entries()) {
    fares[cls] = STOPS.map((_, i) => STOPS.map((_, j) => (j > i ? (j - i) * (100 + 50 * k) : 0)));
  }
  return {
    tripId,
    date: '2026-04-01',
    trainNumber: String(700 + (tripId % 100)),
    trainName: 'Bench Express',
    stops: STOPS.map((code, i) => ({
      code,
      name: code,
      arrival: i === 0 ? null : new Date(start + i * 3600_000).toISOString(),
      departure: i === STOPS.length - 1 ? null : new Date(start + i * 3600_000 + 300_000).toISOString(),
      distanceKm: i * 60,
    })),
    coaches: CODES.map((code, c) => ({
      coachId: tripId * 100 + c + 1,
      code,
      class: CLASSES[c],
      seats: Array.from({ length: 55 }, (_, s) => ({
        seatId: tripId * 10_000 + c * 1000 + s + 1,
        label: `${code}-${s + 1}`,
        row: 1 + (s >> 2),
        column: 1 + (s % 4),
      })),
    })),
    fares,
  };
}

export async function startStub({ trips }) {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'bench', alg: 'EdDSA', use: 'sig' }] });
  const bodies = new Map(trips.map((id) => [id, JSON.stringify(inventory(id))]));
  const server = createServer((req, res) => {
    if (req.url === '/jwks.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    const m = /^\/internal\/trips\/(\d+)\/inventory$/.exec(req.url ?? '');
    const body = m && bodies.get(Number(m[1]));
    if (!body) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  const sign = (sub) =>
    new SignJWT({ phone: '+8801700000000', name: sub })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'bench' })
      .setSubject(sub)
      .setIssuer('rail-auth')
      .setAudience('rail')
      .setIssuedAt()
      .setExpirationTime('10m') // within @rail/auth-verify's maximum token lifetime (15 min)
      .sign(privateKey);
  return { url, jwksUrl: `${url}/jwks.json`, sign, close: () => new Promise((resolve) => server.close(resolve)) };
}
