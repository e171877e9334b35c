import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errors as joseErrors, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createRemoteJwks, JwksUnavailableError } from '../src/jwks.js';
import { createTestIssuer, type TestIssuer } from '../src/testing.js';

let served: JSONWebKeySet | null = null;
let fetches = 0;
let server: Server;
let url: string;
let oldIssuer: TestIssuer;
let newIssuer: TestIssuer;

beforeAll(async () => {
  oldIssuer = await createTestIssuer();
  newIssuer = await createTestIssuer();
  server = createServer((_req, res) => {
    fetches += 1;
    if (!served) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  fetches = 0;
  served = { keys: [{ ...oldIssuer.jwks.keys[0], kid: 'k1' }] };
});

const verify = (getKey: ReturnType<typeof createRemoteJwks>['getKey'], token: string) =>
  jwtVerify(token, getKey, { issuer: 'rail-auth', audience: 'rail', algorithms: ['EdDSA'] });

describe('createRemoteJwks', () => {
  it('fetches once for many simultaneous first requests', async () => {
    const jwks = createRemoteJwks({ url });
    const token = await oldIssuer.sign({ sub: 'u' }, { kid: 'k1' });
    await Promise.all(Array.from({ length: 20 }, () => verify(jwks.getKey, token)));
    expect(fetches).toBe(1);
  });

  it('refetches for an unknown kid, so a freshly rotated key verifies', async () => {
    const jwks = createRemoteJwks({ url, cooldownMs: 0 });
    await verify(jwks.getKey, await oldIssuer.sign({ sub: 'u' }, { kid: 'k1' }));
    served = {
      keys: [
        { ...newIssuer.jwks.keys[0], kid: 'k2' },
        { ...oldIssuer.jwks.keys[0], kid: 'k1' },
      ],
    };
    await expect(verify(jwks.getKey, await newIssuer.sign({ sub: 'u' }, { kid: 'k2' }))).resolves.toBeDefined();
    expect(fetches).toBe(2);
  });

  it('does not refetch for unknown kids during the cooldown', async () => {
    const jwks = createRemoteJwks({ url, cooldownMs: 60_000 });
    await verify(jwks.getKey, await oldIssuer.sign({ sub: 'u' }, { kid: 'k1' }));
    for (let i = 0; i < 5; i++) {
      await expect(verify(jwks.getKey, await newIssuer.sign({ sub: 'u' }, { kid: `forged-${i}` }))).rejects.toBeInstanceOf(
        joseErrors.JWKSNoMatchingKey,
      );
    }
    expect(fetches).toBe(1);
  });

  it('keeps serving the last good keys when a refresh fails', async () => {
    const jwks = createRemoteJwks({ url, maxAgeMs: 0, cooldownMs: 0 });
    const token = await oldIssuer.sign({ sub: 'u' }, { kid: 'k1' });
    await verify(jwks.getKey, token);
    served = null;
    await expect(verify(jwks.getKey, token)).resolves.toBeDefined();
    await expect(jwks.refresh()).rejects.toBeInstanceOf(JwksUnavailableError);
    await expect(verify(jwks.getKey, token)).resolves.toBeDefined();
    // Let the background refresh that call started finish before the next test counts fetches.
    await jwks.refresh().catch(() => undefined);
  });

  it('reports JwksUnavailableError when no keys were ever fetched', async () => {
    served = null;
    const jwks = createRemoteJwks({ url, cooldownMs: 60_000 });
    const token = await oldIssuer.sign({ sub: 'u' }, { kid: 'k1' });
    await expect(verify(jwks.getKey, token)).rejects.toBeInstanceOf(JwksUnavailableError);
    // Within the cooldown it fails fast without asking again.
    await expect(verify(jwks.getKey, token)).rejects.toBeInstanceOf(JwksUnavailableError);
    expect(fetches).toBe(1);
  });
});
