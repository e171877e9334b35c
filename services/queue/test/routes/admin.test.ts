/**
 * The operators' switch with an access token whose roles include "admin" (auth issues them for the seeded
 * operator; @rail/auth-verify hands them on as AuthUser.roles). The 401/403 refusals are in queue.test.ts.
 */
import type { App } from '@rail/http';
import type { Redis } from '@rail/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueDeps } from '../../src/deps.js';
import { createRoomsJob } from '../../src/use-cases/run-rooms.js';
import { deleteKeys, OPENS_AT, testApp, testClock, testDeps, testPrefix, testRedis } from '../helpers.js';

const DATE = '2026-12-20';

describe('operators', () => {
  const clock = testClock(OPENS_AT + 86_400_000);
  const prefix = testPrefix('admin');
  let redis: Redis;
  let deps: QueueDeps;
  let app: App;
  let admin: Record<string, string>;
  // One admission job for the file: it holds the leader lease, which another job could not take for seconds.
  let job: ReturnType<typeof createRoomsJob>;

  beforeAll(async () => {
    redis = testRedis();
    deps = testDeps(redis, prefix, clock);
    const built = await testApp(deps, redis);
    app = built.app;
    admin = { authorization: `Bearer ${await built.issuer.sign({ sub: 'op', roles: ['admin'] })}` };
    job = createRoomsJob({
      deps,
      seats: { seatsLeft: async () => 10, close: async () => undefined },
      load: null,
      thresholds: { p95Ms: 300, errorShare: 0.02 },
      saturationSamples: 3,
      calmSamples: 3,
      tickMs: 250,
      seatsRefreshMs: 0,
      loadSampleMs: 1_000,
      expectedShoppingSeconds: 120,
      logger: deps.logger,
    });
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

  it('gives an opening moved into the future its pre-queue, even after the sale was drawn', async () => {
    const date = '2026-12-05'; // on sale by the rule since 2026-11-25
    const url = `/api/queue/admin/sales/${date}`;
    // On now, opened by the rule long ago: the first tick draws its (empty) pre-queue.
    expect((await app.inject({ method: 'PUT', url, headers: admin, payload: {} })).statusCode).toBe(200);
    await job.run();
    expect((await deps.store.read(date)).room.shuffled).toBe('1');
    // The operator schedules an opening a minute from now: joins until then are drawn at it.
    const opensAt = new Date(clock.now() + 60_000).toISOString();
    const put = await app.inject({ method: 'PUT', url, headers: admin, payload: { opensAt, mode: 'scheduled' } });
    expect(put.statusCode).toBe(200);
    expect((await deps.store.read(date)).room.shuffled).toBeUndefined();
    const place = await deps.store.join(date, { userId: 'early', phone: null, nowMs: clock.now(), ruleOpensAtMs: 0 });
    expect(place.kind).toBe('pre');
    // A PUT that leaves the opening in the past changes nothing of the draw.
    clock.advance(61_000);
    await job.run();
    expect((await deps.store.read(date)).room.shuffled).toBe('1');
    await app.inject({ method: 'PUT', url, headers: admin, payload: { opensAt, mode: 'scheduled', activeShoppers: 7 } });
    expect((await deps.store.read(date)).room.shuffled).toBe('1');
  });
});
