/** Live seat events over real HTTP (SSE): changes arrive coalesced, streams end cleanly on disconnect. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeInventory } from '../../helpers/fixtures.js';
import { startHarness, type Harness } from '../../helpers/harness.js';

const trip = makeInventory(51);
let h: Harness;
let base: string;

beforeAll(async () => {
  h = await startHarness([trip]);
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(h.app.server.address() as AddressInfo).port}`;
});
afterAll(() => h?.close());

function open(path: string): Promise<{ res: IncomingMessage; chunks: string[]; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = request(base + path, (res) => {
      const chunks: string[] = [];
      res.setEncoding('utf8');
      res.on('data', (c: string) => chunks.push(c));
      resolve({ res, chunks, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}

async function until(check: () => boolean, what = 'condition', ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('GET /api/bookings/trips/:tripId/seat-events', () => {
  it('answers 400 for a trip id no store could hold, without asking the train service', async () => {
    for (const id of ['1e99', '2147483648', '0']) {
      const res = await h.app.inject(`/api/bookings/trips/${id}/seat-events`);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });

  it('streams held and available changes of the trip, coalesced, without a login', async () => {
    const stream = await open('/api/bookings/trips/51/seat-events');
    expect(stream.res.statusCode).toBe(200);
    expect(stream.res.headers['content-type']).toContain('text/event-stream');
    await until(() => stream.chunks.join('').includes(': connected'), 'connected');
    const seatA = trip.coaches[0]!.seats[0]!.seatId;
    const seatB = trip.coaches[0]!.seats[1]!.seatId;
    const headers = { ...(await h.auth('watcher')), 'content-type': 'application/json' };
    try {
      const [held, second] = await Promise.all([
        h.app.inject({
          method: 'POST',
          url: '/api/bookings/seats/select',
          headers,
          payload: { tripId: 51, seatIds: [seatA], from: 'BHB', to: 'AKH' },
        }),
        h.app.inject({ method: 'POST', url: '/api/bookings/seats/select', headers, payload: { tripId: 51, seatIds: [seatB] } }),
      ]);
      expect([held!.statusCode, second.statusCode]).toEqual([201, 201]);
      const text = () => stream.chunks.join('');
      // Either both changes arrive, or (if the shared subscriber reconnected in between) the client is told to resync.
      await until(() => (text().match(/"held"/g) ?? []).length === 2 || text().includes('event: resync'), 'held events');
      if (text().includes('event: resync')) return;
      await h.app.inject({ method: 'DELETE', url: `/api/bookings/${held!.json().bookingId}`, headers: await h.auth('watcher') });
      await until(() => stream.chunks.join('').includes('"available"'), 'available event');
      const events = stream.chunks
        .join('')
        .split('\n\n')
        .filter((m) => m.startsWith('event: seats'))
        .flatMap((m) => JSON.parse(m.split('data: ')[1]!) as { seatIds: number[] }[]);
      expect(events).toHaveLength(3);
      expect(events).toEqual(
        expect.arrayContaining([
          { tripId: 51, seatIds: [seatA], status: 'held', from: 'BHB', to: 'AKH' },
          { tripId: 51, seatIds: [seatB], status: 'held', from: 'DHK', to: 'CTG' },
        ]),
      );
      expect(events[2]).toEqual({ tripId: 51, seatIds: [seatA], status: 'available', from: 'BHB', to: 'AKH' });
    } finally {
      stream.close();
    }
  });

  it('coalesces a burst into one message', async () => {
    const stream = await open('/api/bookings/trips/51/seat-events');
    try {
      await until(() => stream.chunks.join('').includes(': connected'), 'connected');
      const channel = h.deps.seats.keys(51).channel;
      const burst = [1, 2, 3].map((n) => JSON.stringify({ tripId: 51, seatIds: [n], status: 'held', from: 'DHK', to: 'CTG' }));
      await h.redis.multi().publish(channel, burst[0]!).publish(channel, burst[1]!).publish(channel, burst[2]!).exec();
      await until(() => stream.chunks.join('').includes('event: seats'), 'burst');
      await new Promise((resolve) => setTimeout(resolve, 150));
      const messages = stream.chunks.join('').split('event: seats').slice(1);
      expect(messages).toHaveLength(1);
      expect(JSON.parse(messages[0]!.split('data: ')[1]!)).toHaveLength(3);
    } finally {
      stream.close();
    }
  });

  it('cleans up the subscription when the browser goes away', async () => {
    const stream = await open('/api/bookings/trips/51/seat-events');
    await until(() => stream.chunks.join('').includes(': connected'), 'connected');
    const numsub = async () =>
      Number(((await h.redis.call('PUBSUB', 'NUMSUB', h.deps.seats.keys(51).channel)) as [string, number])[1]);
    expect(await numsub()).toBe(1);
    stream.close();
    const deadline = Date.now() + 3000;
    while ((await numsub()) !== 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await numsub()).toBe(0);
  });

  it('refuses an unknown or malformed trip with 400', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/api/bookings/trips/999/seat-events' })).statusCode).toBe(400);
    expect((await h.app.inject({ method: 'GET', url: '/api/bookings/trips/abc/seat-events' })).statusCode).toBe(400);
  });
});
