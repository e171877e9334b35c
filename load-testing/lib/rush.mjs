// The sales-opening rush: every virtual user arrives within a few seconds, looks at a seat map,
// grabs 1-4 seats, loses and retries like a person would (other seats, then other trains), and
// whoever wins pays: passengers -> OTP -> card -> CONFIRMED. Afterwards booking_db is checked for
// double-sold seats. Used by rush.mjs (10,000 users) and smoke.mjs (a couple of hundred).
import { createClient, sleep, retryAfterMs } from './http.mjs';
import { Recorder, isError } from './stats.mjs';
import { startMonitor } from './monitor.mjs';
import { gatewayLatency } from './gateway-log.mjs';
import { BRIEF_TRAINS, completePurchase, dhakaDate, doubleSold, seatsOf, tripsOn } from './system.mjs';

const RUSH_ROUTES = [
  ['DHK', 'CTG'],
  ['DHK', 'SYL'],
  ['DHK', 'RJH'],
  ['DHK', 'KLN'],
];
const WANT = [1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 4];

/** The first day (from `fromOffset`) whose brief trains have at least `minFree` of their seats free. */
export async function pickRushDay(client, { fromOffset = 1, minFreeShare = 1, trains = BRIEF_TRAINS } = {}) {
  for (let offset = fromOffset; offset <= 10; offset += 1) {
    const date = dhakaDate(offset);
    const trips = (await tripsOn(client, date, RUSH_ROUTES)).filter((t) => trains.includes(t.trainNumber));
    if (trips.length < trains.length) continue;
    let total = 0;
    let free = 0;
    for (const t of trips) {
      const seats = await seatsOf(client, t.tripId);
      t.seats = seats.length;
      total += seats.length;
      free += seats.filter((s) => s.status === 'available').length;
    }
    if (free >= total * minFreeShare && free > 0) return { date, trips, total, free };
  }
  throw new Error(
    `no day in the sales window has ${minFreeShare * 100}% of the brief trains' seats free; reseed or wait for holds to expire`,
  );
}

/** Exponential backoff with jitter after a failure, as a well-behaved client does: 0.25 s .. 8 s. */
const backoff = (failures) => sleep(Math.min(8000, 250 * 2 ** failures) * (0.5 + Math.random()));

function shuffleInPlace(a) {
  for (let i = a.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * @param {{users: object[], rampSeconds: number, connections?: number, maxAttempts?: number,
 *   pay?: boolean, day?: {date: string, trips: object[], total: number, free: number}, minFreeShare?: number}} o
 */
export async function runRush({
  users,
  rampSeconds,
  connections = 4000,
  maxAttempts = 25,
  pay = true,
  day,
  minFreeShare = 1,
  mapRefreshAfter = 5,
}) {
  const client = createClient({ maxSockets: connections, timeoutMs: 30_000 });
  const setup = createClient({ maxSockets: 16 });
  const chosen = day ?? (await pickRushDay(setup, { minFreeShare }));
  const trips = chosen.trips;
  const tripIds = trips.map((t) => t.tripId);
  console.log(
    `rush: ${users.length} users over ${rampSeconds}s for ${chosen.free}/${chosen.total} free seats of ${chosen.date} (trips ${tripIds.join(', ')})`,
  );

  const rec = new Recorder();
  const mon = startMonitor();
  const heldSeats = [];
  const confirmedSeats = [];
  const paidSeats = [];
  let paid = 0;
  const confirmedBy = new Map();
  let clientDoubleSold = 0;
  let soldOutAt = null;
  let held = 0;
  let confirmed = 0;
  const started = performance.now();
  const startedAtMs = Date.now();
  const at = () => (performance.now() - started) / 1000;

  const dayTrips = new Set(tripIds);
  const pick = (a) => a[Math.floor(Math.random() * a.length)];

  // One traveller: wants a seat on one route; reads the results page (micro-cached by the gateway),
  // opens the seat map of a train that still shows seats, tries seats until one hold succeeds, goes
  // back to the results when the map is empty, and leaves when the results show the route sold out.
  async function user(u, i) {
    await sleep((i / users.length) * rampSeconds * 1000);
    const common = { token: u.token, xff: u.xff };
    const route = pick(trips).route;
    let attempts = 0;
    let failures = 0;
    while (attempts < maxAttempts) {
      const r = await client.request({
        ...common,
        path: `/api/trains/search?from=${route[0]}&to=${route[1]}&date=${chosen.date}`,
      });
      rec.record('search', r);
      if (r.status === 429 || r.status === 503) {
        rec.outcome(`retried: search ${r.status}`);
        await sleep(retryAfterMs(r.headers));
        continue;
      }
      if (r.status !== 200) {
        attempts += 1;
        rec.outcome(`retried: search ${r.status}`);
        await backoff(failures++);
        continue;
      }
      const open = r.body.trips.filter(
        (t) => dayTrips.has(t.tripId) && t.classes.some((c) => c.seatsAvailable === null || c.seatsAvailable > 0),
      );
      if (open.length === 0) return rec.outcome('sold-out');
      const trip = pick(open);
      let free = null;
      let conflicts = 0;
      while (attempts < maxAttempts) {
        if (free === null || conflicts >= mapRefreshAfter) {
          const m = await client.request({ ...common, path: `/api/trains/trips/${trip.tripId}/seats` });
          rec.record('seat-map', m);
          if (m.status === 429 || m.status === 503) {
            rec.outcome(`retried: seat-map ${m.status}`);
            await sleep(retryAfterMs(m.headers));
            continue;
          }
          if (m.status !== 200) {
            attempts += 1;
            rec.outcome(`retried: seat-map ${m.status}`);
            await backoff(failures++);
            continue;
          }
          free = shuffleInPlace(
            m.body.coaches.flatMap((c) => c.seats.filter((s) => s.status === 'available').map((s) => s.seatId)),
          );
          conflicts = 0;
        }
        if (free.length === 0) break; // this train is gone: back to the results
        const want = Math.min(WANT[Math.floor(Math.random() * WANT.length)], free.length);
        const seatIds = free.slice(0, want);
        attempts += 1;
        const s = await client.request({
          ...common,
          method: 'POST',
          path: '/api/bookings/seats/select',
          body: { tripId: trip.tripId, seatIds },
        });
        rec.record('select', s);
        if (s.status === 201) {
          held += s.body.seats.length;
          heldSeats.push([Math.round(at() * 10) / 10, held]);
          if (held >= chosen.free && soldOutAt === null) soldOutAt = at();
          if (!pay) return rec.outcome('held');
          const result = await completePurchase(client, rec, u, s.body, {
            onPaid: () => {
              paid += s.body.seats.length;
              paidSeats.push([Math.round(at() * 10) / 10, paid]);
            },
          });
          rec.outcome(result === 'CONFIRMED' ? 'purchased' : `purchase-failed:${result}`);
          if (result === 'CONFIRMED') {
            for (const seat of s.body.seats) {
              const key = `${trip.tripId}:${seat.seatId}`;
              if (confirmedBy.has(key)) clientDoubleSold += 1;
              confirmedBy.set(key, s.body.bookingId);
            }
            confirmed += s.body.seats.length;
            confirmedSeats.push([Math.round(at() * 10) / 10, confirmed]);
          }
          return;
        }
        if (s.status === 409 && s.body?.code === 'SEAT_UNAVAILABLE') {
          const taken = new Set(s.body.seatIds ?? seatIds);
          free = free.filter((id) => !taken.has(id));
          conflicts += 1;
          continue;
        }
        if (s.status === 409 && s.body?.code === 'LIMIT_EXCEEDED') return rec.outcome('limit-exceeded');
        if (s.status === 429 || s.status === 503) {
          rec.outcome(`retried: select ${s.status}`);
          await sleep(retryAfterMs(s.headers));
          continue;
        }
        if (!isError(s.status)) return rec.outcome(`select refused ${s.status}`);
        rec.outcome(`retried: select ${s.status}`);
        await backoff(failures++);
      }
    }
    rec.outcome('gave-up');
  }

  await Promise.all(users.map((u, i) => user(u, i)));
  const wall = at();
  const gateway = await gatewayLatency(startedAtMs, Date.now()).catch((e) => ({ error: e.message }));
  const system = await mon.stop();
  client.close();
  let db;
  try {
    db = await doubleSold(tripIds);
  } catch (e) {
    db = { error: e.message };
  }
  setup.close();
  const summary = rec.summary(wall);
  const confirmedAt = confirmed >= chosen.free ? confirmedSeats[confirmedSeats.length - 1][0] : null;
  const paidAt = paid >= chosen.free ? paidSeats[paidSeats.length - 1][0] : null;
  return {
    params: {
      users: users.length,
      rampSeconds,
      connections,
      maxAttempts,
      pay,
      date: chosen.date,
      trips: tripIds,
      seatsFree: chosen.free,
      seatsTotal: chosen.total,
    },
    summary,
    /** The gateway's own latency per route over the run (null unless native): the system's view, without the client's queueing. */
    gateway,
    rush: {
      seatsHeld: held,
      seatsPaid: paid,
      seatsConfirmed: confirmed,
      soldOutPaidSeconds: paidAt,
      allHeldAfterSeconds: soldOutAt === null ? null : Math.round(soldOutAt * 100) / 100,
      soldOutThroughPaymentSeconds: confirmedAt,
      clientSideDoubleSold: clientDoubleSold,
      db,
    },
    series: { requests: rec.timeSeries(), held: heldSeats, paid: paidSeats, confirmed: confirmedSeats },
    system,
  };
}

/** Problems that must fail the run: any 5xx or unanswered request, any double-sold seat. */
export function rushFailures(result) {
  const problems = [];
  if (result.summary.total.errors > 0)
    problems.push(
      `${result.summary.total.errors} requests got a 5xx or no answer: ${JSON.stringify(result.summary.total.statuses)} ${JSON.stringify(result.summary.transportErrors)}`,
    );
  if (result.rush.clientSideDoubleSold > 0)
    problems.push(`${result.rush.clientSideDoubleSold} seats confirmed to two bookings (client side)`);
  if (result.rush.db.error) problems.push(`double-sell check failed to run: ${result.rush.db.error}`);
  else if (Number(result.rush.db.overlappingLivePairs) > 0)
    problems.push(`${result.rush.db.overlappingLivePairs} overlapping live booking pairs in booking_db`);
  return problems;
}
