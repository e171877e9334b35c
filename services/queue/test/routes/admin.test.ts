/**
 * The operators' switch with an access token whose roles include "admin". Auth adds `roles` to its tokens and
 * @rail/auth-verify to AuthUser in another change: until a verified user carries them, this file is skipped
 * (the 401/403 refusals are in queue.test.ts and hold either way).
 */
import { createTestIssuer } from '@rail/auth-verify/testing';
import { authVerify, requireUser } from '@rail/auth-verify';
import { createApp, type App } from '@rail/http';
import { createLogger } from '@rail/logger';
import type { Redis } from '@rail/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueDeps } from '../../src/deps.js';
import { createRoomsJob } from '../../src/use-cases/run-rooms.js';
import { deleteKeys, OPENS_AT, testApp, testClock, testDeps, testPrefix, testRedis } from '../helpers.js';

/** Whether @rail/auth-verify hands a token's `roles` on to the request's user yet. */
async function rolesReachTheUser(): Promise<boolean> {
  const issuer = await createTestIssuer();
  const probe = await createApp({
    service: 'probe',
    logger: createLogger({ service: 'probe', level: 'silent' }),
    apiPrefix: '/api/probe',
  });
  await probe.register(authVerify, { issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks, nodeEnv: 'test' });
  probe.get('/api/probe/me', { onRequest: probe.authenticate }, async (request) => requireUser(request));
  const res = await probe.inject({
    url: '/api/probe/me',
    headers: { authorization: `Bearer ${await issuer.sign({ sub: 'x', roles: ['admin'] })}` },
  });
  await probe.close();
  return Array.isArray((res.json() as { roles?: unknown }).roles);
}

const supported = await rolesReachTheUser();
const DATE = '2026-12-20';

describe.skipIf(!supported)('operators', () => {
  const clock = testClock(OPENS_AT + 86_400_000);
  const prefix = testPrefix('admin');
  let redis: Redis;
  let deps: QueueDeps;
  let app: App;
  let admin: Record<string, string>;

  beforeAll(async () => {
    redis = testRedis();
    deps = testDeps(redis, prefix, clock);
    const built = await testApp(deps, redis);
    app = built.app;
    admin = { authorization: `Bearer ${await built.issuer.sign({ sub: 'op', roles: ['admin'] })}` };
  });

  afterAll(async () => {
    await app.close();
    await deleteKeys(redis, prefix);
    redis.disconnect();
  });

  it('switches a room on with its settings, and off again', async () => {
    const url = `/api/queue/admin/sales/${DATE}`;
    const put = await app.inject({
      method: 'PUT',
      url,
      headers: admin,
      payload: { opensAt: '2026-12-10T02:00:00.000Z', roomOpensMinutesBefore: 15, activeShoppers: 5, admissionsPerSecond: 2 },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toMatchObject({
      mode: 'on',
      opensAt: '2026-12-10T02:00:00.000Z',
      activeShoppers: 5,
      admissionsPerSecond: 2,
    });
    const job = createRoomsJob({
      deps,
      seats: { seatsLeft: async () => 10, close: async () => undefined },
      load: null,
      thresholds: { p95Ms: 300, errorShare: 0.02 },
      saturationSamples: 3,
      calmSamples: 3,
      tickMs: 250,
      seatsRefreshMs: 0,
      loadSampleMs: 1_000,
      logger: deps.logger,
    });
    await job.run();
    expect((await app.inject({ method: 'GET', url: `/api/queue/sales/${DATE}` })).json()).toMatchObject({
      roomActive: true,
      roomReason: 'operator',
    });
    const off = await app.inject({ method: 'DELETE', url, headers: admin });
    expect(off.statusCode).toBe(200);
    expect(off.json().mode).toBe('off');
    await job.run();
    expect((await app.inject({ method: 'GET', url: `/api/queue/sales/${DATE}` })).json()).toMatchObject({ roomActive: false });
    const bad = await app.inject({ method: 'PUT', url, headers: admin, payload: { activeShoppers: 0 } });
    expect(bad.statusCode).toBe(400);
  });
});
