/**
 * The micro-cache in front of seat maps while a sale's waiting room guards them (docs/waiting-room.md): the real
 * nginx from the template, before a stand-in train that answers as train does. While a trip's date is guarded,
 * train answers a request without credentials 401 (the same for everyone: it may be cached like the map), and a
 * request with a sign-in or a pass by who asks (Cache-Control: private, no-store and X-Accel-Expires: 0). The
 * gateway must never answer a request carrying credentials from the cache nor store its answer, never store a
 * 403, and must not go on serving a map cached before the room opened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayHandle } from './support/gateway.js';
import { clientAddress, send, type Received } from './support/http.js';
import { startStandIn, type Seen, type StandIn, type StandInAnswer } from './support/stand-in.js';

let gateway: GatewayHandle;
let train: StandIn;
let others: StandIn[];

/** Trip ids whose date's room is active, as the stand-in train sees it. */
const guarded = new Set<number>();
const GOOD_PASS = 'v1.t.good.pass';
const PRIVATE = { 'cache-control': 'private, no-store', 'x-accel-expires': '0' };

/** Train's seat map route, reduced to what the gateway can see of it. */
function seatMap(request: Seen): StandInAnswer | undefined {
  const match = /^\/api\/trains\/trips\/(\d+)\/seats/.exec(request.url);
  if (!match) return undefined;
  const tripId = Number(match[1]);
  const url = new URL(request.url, 'http://x');
  const forced = url.searchParams.get('answer');
  if (forced === 'forbidden') return { status: 403, body: { status: 403, code: 'QUEUE_REQUIRED' } };
  if (forced === 'no-store') return { status: 200, headers: PRIVATE, body: { tripId, seats: 'private' } };
  if (!guarded.has(tripId)) return { status: 200, body: { tripId, seats: 'public' } };
  const signedIn = typeof request.headers.authorization === 'string';
  if (!signedIn)
    return { status: 401, headers: { 'cache-control': 'private, no-store' }, body: { status: 401, code: 'TOKEN_MISSING' } };
  if (request.headers['x-queue-pass'] !== GOOD_PASS) {
    return { status: 403, headers: PRIVATE, body: { status: 403, code: 'QUEUE_REQUIRED' } };
  }
  return { status: 200, headers: PRIVATE, body: { tripId, seats: 'admitted' } };
}

beforeAll(async () => {
  train = await startStandIn('train');
  train.respond = seatMap;
  others = await Promise.all(['auth', 'booking', 'payment', 'notification', 'queue'].map((name) => startStandIn(name)));
  const [auth, booking, payment, notification, queue] = others.map((s) => [s.address]) as string[][];
  gateway = await startGateway({
    upstreams: {
      auth: auth!,
      train: [train.address],
      booking: booking!,
      payment: payment!,
      notification: notification!,
      queue: queue!,
    },
    settings: { apiAddrRate: '100r/s', apiAddrBurst: 200, apiUserRate: '100r/s', apiUserBurst: 200 },
  });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([train, ...(others ?? [])].map((s) => s?.close()));
});

let trips = 1000 + (Date.now() % 1000) * 10;
/** A trip id no other test has asked for, so its cache entries are its own. */
const freshTrip = () => ++trips;
const upstreamCalls = (tripId: number) => train.seen.filter((s) => s.url.startsWith(`/api/trains/trips/${tripId}/seats`)).length;
const map = (tripId: number, headers: Record<string, string> = {}, query = '') =>
  send(`${gateway.url}/api/trains/trips/${tripId}/seats${query}`, {
    headers: { 'x-forwarded-for': clientAddress(), ...headers },
  });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Asks every 100 ms until `done` holds or `ms` pass; the answers in order. */
async function pollMap(tripId: number, ms: number, done: (res: Received) => boolean): Promise<Received[]> {
  const answers: Received[] = [];
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const res = await map(tripId);
    answers.push(res);
    if (done(res)) break;
    await sleep(100);
  }
  return answers;
}

describe('seat maps behind a waiting room', () => {
  it('sends a request carrying a pass or a sign-in past the cache, and does not keep its answer', async () => {
    const tripId = freshTrip();
    expect((await map(tripId)).headers['x-cache-status']).toBe('MISS');
    expect((await map(tripId)).headers['x-cache-status']).toBe('HIT');
    const withPass = await map(tripId, { 'x-queue-pass': GOOD_PASS });
    const signedIn = await map(tripId, { authorization: 'Bearer some.access.token' });
    expect(withPass.headers['x-cache-status']).toBe('BYPASS');
    expect(signedIn.headers['x-cache-status']).toBe('BYPASS');
    expect(upstreamCalls(tripId)).toBe(3);

    // A trip first asked for with credentials, while guarded: the admitted map is not stored for anyone else.
    const other = freshTrip();
    guarded.add(other);
    const admitted = await map(other, { authorization: 'Bearer some.access.token', 'x-queue-pass': GOOD_PASS });
    expect(admitted.status).toBe(200);
    expect(admitted.json()).toMatchObject({ seats: 'admitted' });
    expect(admitted.headers['cache-control']).toBe('private, no-store');
    // X-Accel-Expires is for the gateway alone.
    expect(admitted.headers['x-accel-expires']).toBeUndefined();
    const anonymous = await map(other);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['x-cache-status']).toBe('MISS');
    guarded.delete(other);
  });

  it('does not store an answer the service marks X-Accel-Expires: 0, nor any 403', async () => {
    const tripId = freshTrip();
    for (const query of ['?answer=no-store', '?answer=forbidden']) {
      const before = upstreamCalls(tripId);
      const first = await map(tripId, {}, query);
      const second = await map(tripId, {}, query);
      expect(second.headers['x-cache-status']).toBe('MISS');
      expect(second.json<{ at: number }>().at).not.toBe(first.json<{ at: number }>().at);
      expect(upstreamCalls(tripId) - before).toBe(2);
    }
  });

  it('stops serving a map cached before the room opened once its TTL has passed, and serves it again after', async () => {
    const tripId = freshTrip();
    expect((await map(tripId)).json()).toMatchObject({ seats: 'public' });
    guarded.add(tripId);
    // nginx keeps validity in whole seconds: a 1 s entry lives up to 2 s; the refresh may answer once from it.
    const opening = await pollMap(tripId, 5_000, (res) => res.status === 401);
    expect(opening.at(-1)?.status).toBe(401);
    // From then on no request without credentials gets the old map, however long the room stays.
    const during = await pollMap(tripId, 3_000, () => false);
    expect(during.map((res) => res.status)).toEqual(during.map(() => 401));
    // Signed-in travellers without a pass are refused, with a pass they get the map; neither from the cache.
    expect((await map(tripId, { authorization: 'Bearer some.access.token' })).status).toBe(403);
    expect((await map(tripId, { authorization: 'Bearer some.access.token', 'x-queue-pass': GOOD_PASS })).json()).toMatchObject({
      seats: 'admitted',
    });
    guarded.delete(tripId);
    const closing = await pollMap(tripId, 5_000, (res) => res.status === 200);
    expect(closing.at(-1)?.json()).toMatchObject({ seats: 'public' });
  });
});
