// The bounded load the fault suite keeps running while it injects faults: `buyers` virtual users looping
// seat map -> select -> confirm -> OTP -> pay (completePurchase in system.mjs, which waits out 429/503 for their
// Retry-After) and `readers` looping search and seat maps, all through the gateway. A pay-verify that got no answer
// or a 5xx (payment killed mid-charge, a store down) is sent again with the same Idempotency-Key until it settles,
// as the frontend's retry does, so the charge is resolved by the payment service and not left to the 5-minute
// reconciliation. Every booking made is remembered with its owner, for the consistency checks.
import { sleep, retryAfterMs } from './http.mjs';
import { isError } from './stats.mjs';
import { completePurchase, tripsOn, seatsOf, dhakaDate } from './system.mjs';

const WANT = [1, 1, 1, 2, 2, 3];
const pick = (a) => a[Math.floor(Math.random() * a.length)];

/**
 * Trips of the sales window with free seats, most free first: enough for a few thousand bookings. The whole window,
 * not the first days only: on a machine whose databases earlier runs have filled (CI runs against the stores as a
 * session left them) the nearest days are sold out.
 */
export async function pickTrips(client, { days = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], maxTrips = 40, minFree = 40 } = {}) {
  const trips = [];
  for (const offset of days) for (const t of await tripsOn(client, dhakaDate(offset))) trips.push(t);
  for (const t of trips) t.free = (await seatsOf(client, t.tripId)).filter((s) => s.status === 'available').length;
  const chosen = trips
    .filter((t) => t.free >= minFree)
    .sort((a, b) => b.free - a.free)
    .slice(0, maxTrips);
  if (chosen.length === 0)
    throw new Error('no trip in the next days has free seats; reseed (npm run seed) or wait for holds to expire');
  return chosen;
}

/**
 * A client wrapper that tells `onSend(req)` about every request just before it goes out (the payment-kill case
 * waits for pay-verify requests to be in flight).
 */
export function observed(client, onSend) {
  return {
    ...client,
    request: (req) => {
      onSend(req);
      return client.request(req);
    },
  };
}

/** Sends pay-verify again for a purchase whose verify had no settled answer. Returns the final verify answer. */
async function settlePayment(client, rec, user, bookingId, deadlineMs) {
  const common = { token: user.token, xff: user.xff };
  let answer = null;
  while (performance.now() < deadlineMs) {
    const i = await client.request({ ...common, method: 'POST', path: '/api/payments/initiate', body: { bookingId } });
    rec.record('pay-initiate', i);
    if (i.status === 200 || i.status === 201) {
      if (i.body.status === 'SUCCEEDED' || i.body.status === 'REFUNDED') return i;
      answer = await client.request({
        ...common,
        method: 'POST',
        path: '/api/payments/verify',
        headers: { 'idempotency-key': `load-${i.body.paymentId}` },
        body: { paymentId: i.body.paymentId, method: 'card', cardNumber: '4242424242424242', expiry: '12/30', cvc: '123' },
      });
      rec.record('pay-verify', answer);
      if (answer.status === 200) return answer;
      if (answer.status >= 400 && answer.status < 500 && answer.status !== 409 && answer.status !== 429) return answer;
    } else if (i.status >= 400 && i.status < 500 && i.status !== 429) {
      return i;
    }
    const wait = answer ?? i;
    await sleep(wait.status === 0 || wait.status === 502 ? 1000 : retryAfterMs(wait.headers));
  }
  return answer;
}

/**
 * Starts the load; `stop()` ends it (each virtual user finishes the step it is in) and resolves when all have.
 * @param {{client: object, rec: import('./stats.mjs').Recorder, users: object[], trips: object[], buyers: number,
 *   readers: number, bookings: Map<string, object>}} o
 */
export function startLoad({ client, rec, users, trips, buyers, readers, bookings, thinkMs = 1500 }) {
  let stopped = false;
  let nextUser = 0;
  const takeUser = () => users[nextUser++ % users.length];
  const backoff = async (n) => sleep(Math.min(4000, 200 * 2 ** n) * (0.5 + Math.random()));

  async function buyer() {
    let failures = 0;
    while (!stopped) {
      const user = takeUser();
      const common = { token: user.token, xff: user.xff };
      const trip = pick(trips);
      const m = await client.request({ ...common, path: `/api/trains/trips/${trip.tripId}/seats` });
      rec.record('seat-map', m);
      if (m.status !== 200) {
        await (m.status === 429 || m.status === 503 ? sleep(retryAfterMs(m.headers)) : backoff(failures++));
        continue;
      }
      const free = m.body.coaches.flatMap((c) => c.seats.filter((s) => s.status === 'available').map((s) => s.seatId));
      // A sold-out map: look at another train after a pause, as a person would (not a busy loop of seat maps).
      if (free.length === 0) {
        await sleep(200 + Math.random() * 300);
        continue;
      }
      const start = Math.floor(Math.random() * free.length);
      const seatIds = free.slice(start, start + Math.min(pick(WANT), free.length - start));
      const s = await client.request({
        ...common,
        method: 'POST',
        path: '/api/bookings/seats/select',
        body: { tripId: trip.tripId, seatIds },
      });
      rec.record('select', s);
      if (s.status === 429 || s.status === 503) {
        await sleep(retryAfterMs(s.headers));
        continue;
      }
      if (s.status !== 201) {
        if (isError(s.status)) await backoff(failures++);
        else rec.outcome(`select ${s.status} ${s.body?.code ?? ''}`.trim());
        continue;
      }
      failures = 0;
      const bookingId = s.body.bookingId;
      const entry = { bookingId, tripId: trip.tripId, user, outcome: 'held' };
      bookings.set(bookingId, entry);
      let outcome = await completePurchase(client, rec, user, s.body, { confirmTimeoutMs: 8000 });
      if (/^pay-(initiate|verify)-(0|5\d\d|409|429)/.test(outcome)) {
        rec.outcome(`pay-verify resent after ${outcome}`);
        const answer = await settlePayment(client, rec, user, bookingId, performance.now() + 45_000);
        outcome =
          answer && (answer.body?.status === 'SUCCEEDED' || answer.body?.status === 'REFUNDED')
            ? 'paid-after-resend'
            : `${outcome}, resend: ${answer?.status ?? 'none'}`;
      }
      entry.outcome = outcome;
      rec.outcome(`purchase: ${outcome.replace(/-[0-9a-f-]{36}$/, '')}`);
      await sleep(thinkMs * (0.5 + Math.random())); // a person looks at the ticket before buying the next one
    }
  }

  async function reader(i) {
    while (!stopped) {
      const user = users[(users.length - 1 - i) % users.length];
      const trip = pick(trips);
      const [from, to] = trip.route;
      const search = Math.random() < 0.5;
      const path = search
        ? `/api/trains/search?from=${from}&to=${to}&date=${trip.date}`
        : `/api/trains/trips/${trip.tripId}/seats`;
      const r = await client.request({ xff: user.xff, path });
      rec.record(search ? 'search' : 'seat-map', r);
      await sleep(r.status === 429 || r.status === 503 ? retryAfterMs(r.headers) : 100 + Math.random() * 200);
    }
  }

  const all = [...Array.from({ length: buyers }, () => buyer()), ...Array.from({ length: readers }, (_, i) => reader(i))];
  return {
    /** Ends the load; resolves when every virtual user has finished its purchase, or after `maxWaitMs`. */
    stop: async (maxWaitMs = 60_000) => {
      stopped = true;
      const done = await Promise.race([Promise.all(all).then(() => true), sleep(maxWaitMs).then(() => false)]);
      if (!done) console.warn(`  ! some virtual users were still in a purchase ${maxWaitMs / 1000} s after the load stopped`);
    },
  };
}
