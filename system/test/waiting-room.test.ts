/**
 * The waiting room's contract through the gateway, on the real services (issue 11): the seeded operator switches
 * a date's room on (mode `on`); while it is active the seat map asks for a sign-in and a pass, and select and confirm answer
 * 403 QUEUE_REQUIRED without a valid one (none, another traveller's); a traveller who joins is admitted and buys with
 * the pass; other dates need none; the operator switches the room off and the date sells
 * without passes again. Fresh databases, the operator from the seed (startSystem with seed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, journey, type Traveller, type Trip } from './support/flow.js';
import { startSystem, type RunningSystem } from './support/system.js';

let system: RunningSystem;
let j: ReturnType<typeof journey>;

beforeAll(async () => {
  system = await startSystem({ seed: true, bookingReplicas: 1 });
  j = journey(system.url);
}, 180_000);

afterAll(async () => {
  await system?.stop();
});

interface Place {
  status: string;
  pass?: string;
  pollAfterSeconds: number;
}

const PASS = 'x-queue-pass';

/** The trip's seat map, anonymous or as the traveller with a pass. */
const mapOf = (trip: Trip, as?: { traveller: Traveller; pass?: string }) =>
  j.api(
    'GET',
    `/api/trains/trips/${trip.tripId}/seats?from=${trip.from.code}&to=${trip.to.code}`,
    undefined,
    as?.traveller.token,
    as?.pass ? { [PASS]: as.pass } : {},
  );

const select = (traveller: Traveller, trip: Trip, seatId: number, pass?: string) =>
  j.api(
    'POST',
    '/api/bookings/seats/select',
    { tripId: trip.tripId, seatIds: [seatId], from: trip.from.code, to: trip.to.code },
    traveller.token,
    pass ? { [PASS]: pass } : {},
  );

describe('a sale behind its waiting room', () => {
  it('guards maps, select and confirm with passes while the room is active, and not after', async () => {
    const login = await j.api('POST', '/api/auth/login', { email: 'admin@example.com', password: 'Admin-pass-2026!' });
    expectStatus(login, 200);
    const operator = login.json<{ token: string }>().token;
    const trip = await j.tripTomorrow();
    const date = trip.date;
    if (!date) throw new Error(`the search answer has no date: ${JSON.stringify(trip)}`);
    const [buyer, other] = [await j.register('Room Buyer'), await j.register('Room Other')];
    const seatId = await j.availableSeat(trip);

    // A traveller is refused the operators' switch; the operator switches the room on until switched off (a
    // scheduled room would end as soon as its queue drained after the opening: here at once, nobody waits).
    const room = { mode: 'on' };
    expectStatus(await j.api('PUT', `/api/queue/admin/sales/${date}`, room, buyer.token), 403);
    expectStatus(await j.api('PUT', `/api/queue/admin/sales/${date}`, room, operator), 200);
    await j.poll('the room to be active', async () => {
      const sale = await j.api('GET', `/api/queue/sales/${date}`);
      return sale.status === 200 && sale.json<{ roomActive: boolean }>().roomActive ? true : undefined;
    });
    // The hot endpoints learn it from their background watchers (a poll a second; the gateway may keep an
    // anonymous map a second more): wait for the harmless map, then give booking's watcher the same time.
    await j.poll('the anonymous map to ask for a sign-in', async () => {
      const res = await mapOf(trip);
      return res.status === 401 ? res : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await mapOf(trip)).json()).toMatchObject({ queue: `/api/queue/sales/${date}`, date });

    const refused = await select(other, trip, seatId);
    expectStatus(refused, 403);
    expect(refused.json()).toMatchObject({ code: 'QUEUE_REQUIRED', date, queue: `/api/queue/sales/${date}` });
    expect((await mapOf(trip, { traveller: other })).json()).toMatchObject({ code: 'QUEUE_REQUIRED' });

    // Another date's sale has no room: its map and select need no pass.
    const nextDay = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const search = await j.api('GET', `/api/trains/search?from=DHK&to=CTG&date=${nextDay}`);
    expectStatus(search, 200);
    const later = search.json<{ trips: Trip[] }>().trips[0];
    if (!later) throw new Error(`no trip from DHK to CTG on ${nextDay}: ${search.body}`);
    expectStatus(await select(other, later, await j.availableSeat(later)), 201);

    // The buyer joins and is admitted at the room's next tick, with a pass bound to them.
    const joined = await j.api('POST', `/api/queue/sales/${date}/join`, undefined, buyer.token);
    expectStatus(joined, 200);
    const admitted = await j.poll(
      'the buyer to be admitted',
      async () => {
        const me = await j.api('GET', `/api/queue/sales/${date}/me`, undefined, buyer.token);
        const place = me.json<Place>();
        return me.status === 200 && place.status === 'admitted' && place.pass ? place : undefined;
      },
      30_000,
    );
    const pass = admitted.pass as string;

    // Another traveller cannot use it, on the map or the select.
    expectStatus(await mapOf(trip, { traveller: other, pass }), 403);
    expect((await select(other, trip, seatId, pass)).json()).toMatchObject({ code: 'QUEUE_REQUIRED' });

    // The buyer's map comes with it, never to be cached; the hold and its confirm go through with it, and not without.
    const map = await mapOf(trip, { traveller: buyer, pass });
    expectStatus(map, 200);
    expect(map.headers['cache-control']).toMatch(/no-store/);
    const held = await select(buyer, trip, seatId, pass);
    expectStatus(held, 201);
    const { bookingId } = held.json<{ bookingId: string }>();
    const confirmBody = { bookingId, passengers: [{ name: 'Room Buyer' }] };
    const unconfirmed = await j.api('POST', '/api/bookings/seats/confirm', confirmBody, buyer.token);
    expectStatus(unconfirmed, 403);
    expect(unconfirmed.json()).toMatchObject({ code: 'QUEUE_REQUIRED' });
    expectStatus(await j.api('POST', '/api/bookings/seats/confirm', confirmBody, buyer.token, { [PASS]: pass }), 200, 201);

    // The operator switches the room off: the date sells without passes again.
    expectStatus(await j.api('DELETE', `/api/queue/admin/sales/${date}`, undefined, operator), 200, 204);
    await j.poll('the anonymous map again', async () => ((await mapOf(trip)).status === 200 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const freeSeat = await j.availableSeat(trip);
    expect(freeSeat).not.toBe(seatId);
    expectStatus(await select(other, trip, freeSeat), 201);
  }, 90_000);
});
