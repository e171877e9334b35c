/** /api/queue through inject() against the real Redis: dates, sign-in, operators, the flow, and Redis lost. */
import { startTcpProxy, type TcpProxy } from '@rail/testing';
import type { TestIssuer } from '@rail/auth-verify/testing';
import type { App } from '@rail/http';
import { parsePassKeys, verifyPass } from '@rail/queue-pass';
import type { Redis } from '@rail/redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { QueueDeps } from '../../src/deps.js';
import { createRoomsJob } from '../../src/use-cases/run-rooms.js';
import {
  deleteKeys,
  OPENS_AT,
  PASS_SECRET,
  REDIS_URL,
  SALE,
  testApp,
  testClock,
  testDeps,
  testPrefix,
  testRedis,
} from '../helpers.js';

const clock = testClock(OPENS_AT - 20 * 60_000);
const prefix = testPrefix('routes');
let redis: Redis;
let deps: QueueDeps;
let app: App;
let issuer: TestIssuer;
let rooms: ReturnType<typeof job>;

beforeAll(async () => {
  redis = testRedis();
  deps = testDeps(redis, prefix, clock);
  ({ app, issuer } = await testApp(deps, redis));
});

afterAll(async () => {
  await app.close();
  await deleteKeys(redis, prefix);
  redis.disconnect();
});

const bearer = async (sub: string, extra: Record<string, unknown> = {}) => ({
  authorization: `Bearer ${await issuer.sign({ sub, phone: `+88017${sub.padStart(8, '0').slice(-8)}`, ...extra })}`,
});

function job() {
  return createRoomsJob({
    deps,
    seats: { seatsLeft: async () => 500, close: async () => undefined },
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
}

describe('dates', () => {
  it('refuses malformed and impossible dates with 400, and a passed date with 409 SALE_CLOSED', async () => {
    for (const bad of ['2026-13-01', '2026-02-30', 'tomorrow', '20261210']) {
      const res = await app.inject({ method: 'GET', url: `/api/queue/sales/${bad}` });
      expect(res.statusCode, bad).toBe(400);
    }
    const past = await app.inject({ method: 'GET', url: '/api/queue/sales/2026-01-01' });
    expect(past.statusCode).toBe(409);
    expect(past.json().code).toBe('SALE_CLOSED');
    const join = await app.inject({ method: 'POST', url: '/api/queue/sales/2026-02-30/join', headers: await bearer('1') });
    expect(join.statusCode).toBe(400);
  });
});

describe('signing in and operators', () => {
  it('needs a signed-in user to join, check in or leave (401)', async () => {
    for (const [method, url] of [
      ['POST', `/api/queue/sales/${SALE}/join`],
      ['GET', `/api/queue/sales/${SALE}/me`],
      ['DELETE', `/api/queue/sales/${SALE}/me`],
    ] as const) {
      expect((await app.inject({ method, url })).statusCode).toBe(401);
    }
  });

  it('refuses the operator endpoints without a token (401) and without the admin role (403)', async () => {
    const url = `/api/queue/admin/sales/${SALE}`;
    expect((await app.inject({ method: 'PUT', url, payload: {} })).statusCode).toBe(401);
    expect((await app.inject({ method: 'DELETE', url })).statusCode).toBe(401);
    const traveller = await bearer('7', { roles: ['traveller'] });
    const put = await app.inject({ method: 'PUT', url, headers: traveller, payload: { activeShoppers: 5 } });
    expect(put.statusCode).toBe(403);
    expect(put.json().code).toBe('FORBIDDEN');
    expect((await app.inject({ method: 'DELETE', url, headers: traveller })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url, headers: await bearer('8') })).statusCode).toBe(403);
  });
});

describe('the sale and a place, through the admission job', () => {
  it('is scheduled before the room, queueing in the pre-queue, drawn at the opening and admitted with a pass', async () => {
    clock.set(OPENS_AT - 40 * 60_000);
    let sale = await app.inject({ method: 'GET', url: `/api/queue/sales/${SALE}` });
    expect(sale.statusCode).toBe(200);
    expect(sale.json()).toMatchObject({
      date: SALE,
      opensAt: '2026-11-30T02:00:00.000Z',
      roomActive: false,
      status: 'scheduled',
    });
    const early = await app.inject({ method: 'POST', url: `/api/queue/sales/${SALE}/join`, headers: await bearer('101') });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('QUEUE_NOT_OPEN');
    expect(
      (await app.inject({ method: 'GET', url: `/api/queue/sales/${SALE}/me`, headers: await bearer('101') })).statusCode,
    ).toBe(404);

    // The room opens 30 minutes before the opening.
    clock.set(OPENS_AT - 29 * 60_000);
    rooms = job();
    await rooms.run();
    sale = await app.inject({ method: 'GET', url: `/api/queue/sales/${SALE}` });
    expect(sale.json()).toMatchObject({ roomActive: true, roomReason: 'scheduled', status: 'queueing', seatsLeft: 500 });
    const users = ['101', '102', '103'];
    for (const u of users) {
      const res = await app.inject({ method: 'POST', url: `/api/queue/sales/${SALE}/join`, headers: await bearer(u) });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'waiting', preQueue: true, position: null, roomActive: true });
      expect(res.json().pollAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(res.headers['retry-after']).toBe(String(res.json().pollAfterSeconds));
    }
    // Idempotent: joining again keeps the place.
    const again = await app.inject({ method: 'POST', url: `/api/queue/sales/${SALE}/join`, headers: await bearer('101') });
    expect(again.json()).toMatchObject({ status: 'waiting', preQueue: true });
    expect((await app.inject({ method: 'GET', url: `/api/queue/sales/${SALE}` })).json().waiting).toBe(3);

    // The opening: the draw, then admissions at 10/s (the same job: its lease keeps any other out).
    expect(await job().run()).toBe(false);
    clock.set(OPENS_AT + 1);
    for (const u of users) await app.inject({ method: 'GET', url: `/api/queue/sales/${SALE}/me`, headers: await bearer(u) });
    await rooms.run();
    expect((await app.inject({ method: 'GET', url: '/internal/rooms/active' })).json()).toEqual({ rooms: [{ date: SALE }] });
    const places = await Promise.all(
      users.map(async (u) =>
        (await app.inject({ method: 'GET', url: `/api/queue/sales/${SALE}/me`, headers: await bearer(u) })).json(),
      ),
    );
    const admitted = places.filter((p) => p.status === 'admitted');
    expect(admitted.length).toBeGreaterThanOrEqual(1);
    const keys = parsePassKeys(PASS_SECRET);
    for (const [i, p] of places.entries()) {
      if (p.status !== 'admitted') {
        expect(p).toMatchObject({ status: 'waiting', preQueue: false });
        continue;
      }
      expect(verifyPass(keys, p.pass, { userId: users[i]!, sale: SALE, nowMs: clock.now() }).ok).toBe(true);
      expect(verifyPass(keys, p.pass, { userId: 'someone-else', sale: SALE, nowMs: clock.now() })).toEqual({
        ok: false,
        reason: 'wrong-user',
      });
      expect(Date.parse(p.passExpiresAt)).toBe(OPENS_AT + 1 + 600_000);
    }
    // Leaving ends the place; a second leave finds nothing.
    const left = await app.inject({ method: 'DELETE', url: `/api/queue/sales/${SALE}/me`, headers: await bearer('102') });
    expect(left.statusCode).toBe(204);
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/queue/sales/${SALE}/me`, headers: await bearer('102') })).statusCode,
    ).toBe(404);
    // Nobody waits any more after the opening: the scheduled room has done its work and ends.
    clock.advance(1_000);
    await rooms.run();
    expect((await app.inject({ method: 'GET', url: '/internal/rooms/active' })).json()).toEqual({ rooms: [] });
    expect((await app.inject({ method: 'GET', url: `/api/queue/sales/${SALE}` })).json()).toMatchObject({
      roomActive: false,
      status: 'selling',
    });
    const open = await app.inject({ method: 'POST', url: `/api/queue/sales/${SALE}/join`, headers: await bearer('104') });
    expect(open.json()).toMatchObject({ status: 'admitted', roomActive: false });
    expect(open.json().pass).toBeUndefined();
  });

  it('answers a check-in with one Redis round trip', async () => {
    const headers = await bearer('101');
    await app.inject({ method: 'GET', url: `/api/queue/sales/${SALE}/me`, headers });
    const spy = vi.spyOn(redis, 'sendCommand');
    try {
      const res = await app.inject({ method: 'GET', url: `/api/queue/sales/${SALE}/me`, headers });
      expect(res.statusCode).toBe(200);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses a second account with the same verified phone (409 PHONE_ALREADY_QUEUED)', async () => {
    // An operator's room (the role check is proven above; the setting is written as the PUT writes it).
    await deps.store.writeSettings(SALE, { 'o:mode': 'on', 'o:aps': '0.001' });
    await rooms.run();
    const phone = { phone: '+8801999999999' };
    const a = await app.inject({ method: 'POST', url: `/api/queue/sales/${SALE}/join`, headers: await bearer('201', phone) });
    expect(a.statusCode).toBe(200);
    const b = await app.inject({ method: 'POST', url: `/api/queue/sales/${SALE}/join`, headers: await bearer('202', phone) });
    expect(b.statusCode).toBe(409);
    expect(b.json().code).toBe('PHONE_ALREADY_QUEUED');
  });

  it('limits joins per account like logging in (429 RATE_LIMITED)', async () => {
    const headers = await bearer('301');
    const codes: number[] = [];
    for (let i = 0; i < 15; i++) {
      codes.push((await app.inject({ method: 'POST', url: `/api/queue/sales/${SALE}/join`, headers })).statusCode);
    }
    expect(codes).toContain(429);
  });
});

describe('Redis lost', () => {
  let proxy: TcpProxy;
  let cutRedis: Redis;
  let cutApp: App;
  let cutIssuer: TestIssuer;

  beforeAll(async () => {
    const target = new URL(REDIS_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    cutRedis = testRedis(proxy.urlFor(REDIS_URL));
    await cutRedis.ping();
    ({ app: cutApp, issuer: cutIssuer } = await testApp(testDeps(cutRedis, prefix, clock), cutRedis));
  });

  afterAll(async () => {
    await cutApp.close();
    cutRedis.disconnect();
    await proxy.close();
  });

  it('answers joins and check-ins 503 QUEUE_UNAVAILABLE with Retry-After, while an issued pass still verifies', async () => {
    const token = await cutIssuer.sign({ sub: '101' });
    const headers = { authorization: `Bearer ${token}` };
    const before = await cutApp.inject({ method: 'GET', url: `/api/queue/sales/${SALE}/me`, headers });
    expect(before.statusCode).toBe(200);
    const pass = before.json().pass as string | undefined;
    proxy.cut();
    try {
      for (const [method, url] of [
        ['POST', `/api/queue/sales/${SALE}/join`],
        ['GET', `/api/queue/sales/${SALE}/me`],
        ['GET', `/api/queue/sales/${SALE}`],
        ['GET', '/internal/rooms/active'],
      ] as const) {
        const res = await cutApp.inject({ method, url, headers });
        expect(res.statusCode, url).toBe(503);
        expect(res.json().code).toBe('QUEUE_UNAVAILABLE');
        expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      // A pass needs no Redis: it is verified from its signature alone.
      if (pass)
        expect(verifyPass(parsePassKeys(PASS_SECRET), pass, { userId: '101', sale: SALE, nowMs: clock.now() }).ok).toBe(true);
    } finally {
      proxy.restore();
    }
    await expect
      .poll(async () => (await cutApp.inject({ method: 'GET', url: `/api/queue/sales/${SALE}` })).statusCode, { timeout: 10_000 })
      .toBe(200);
  });
});
