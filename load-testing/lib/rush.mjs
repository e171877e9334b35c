// The sales-opening rush: every virtual user arrives within a few seconds and buys like a person would, and
// whoever wins pays: passengers -> OTP -> card -> CONFIRMED. Afterwards booking_db is checked for double-sold
// seats. Used by rush.mjs (10,000 users) and smoke.mjs (a couple of hundred).
//
// With `room` (issue 11) the users join the date's waiting room before its opening (scheduled a few seconds
// ahead by the operator's API), check in at the server's interval and buy when admitted, with the pass on the
// seat maps, select and confirm. Without it (`roomOff`) the date's room is switched off: the rush of before.
// Travellers (issue 12): a share `pickShare` lets the system pick their seats (class + count, side by side),
// the rest choose on the seat map and retry other seats on a 409 (the old rush); whoever finds the route sold
// out joins the waitlist with probability `waitlistShare` and pays when offered seats; of those who hold,
// `cancelShare` release the hold and `lapseShare` walk away and let it expire. All shares 0 and no room: the
// rush exactly as it was.
import { createClient, sleep, retryAfterMs } from './http.mjs';
import { Recorder, isError, summarize } from './stats.mjs';
import { startMonitor } from './monitor.mjs';
import { gatewayLatency } from './gateway-log.mjs';
import { BRIEF_TRAINS, completePurchase, dhakaDate, doubleSold, seatsOf, tripsOn } from './system.mjs';
import {
  PASS_HEADER,
  adminToken,
  analyseRoom,
  leaveRoom,
  roomSettings,
  saleStatus,
  scheduleRoom,
  switchRoomOff,
  throughRoom,
  watchRoom,
} from './room.mjs';

const RUSH_ROUTES = [
  ['DHK', 'CTG'],
  ['DHK', 'SYL'],
  ['DHK', 'RJH'],
  ['DHK', 'KLN'],
];
const WANT = [1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 4];
const PREFERENCES = [undefined, undefined, 'window', 'window', 'aisle'];

/** The first day (from `fromOffset`) whose brief trains have at least `minFree` of their seats free. */
export async function pickRushDay(client, { fromOffset = 1, toOffset = 10, minFreeShare = 1, trains = BRIEF_TRAINS } = {}) {
  for (let offset = fromOffset; offset <= toOffset; offset += 1) {
    const date = dhakaDate(offset);
    const trips = (await tripsOn(client, date, RUSH_ROUTES)).filter((t) => trains.includes(t.trainNumber));
    if (trips.length < trains.length) continue;
    let total = 0;
    let free = 0;
    let blocked = false;
    for (const t of trips) {
      let seats;
      try {
        seats = await seatsOf(client, t.tripId);
      } catch (e) {
        // A date whose waiting room is active answers an anonymous seat map 401 (naming the room) and one without
        // a pass 403 QUEUE_REQUIRED: skip it.
        if (/ 40[13] /.test(e.message)) {
          blocked = true;
          break;
        }
        throw e;
      }
      t.seats = seats.length;
      total += seats.length;
      free += seats.filter((s) => s.status === 'available').length;
    }
    if (blocked) continue;
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

const r1 = (v) => Math.round(v * 10) / 10;
const r2 = (v) => (v === null || v === undefined ? null : Math.round(v * 100) / 100);

/**
 * @param {{users: object[], rampSeconds: number, connections?: number, maxAttempts?: number,
 *   pay?: boolean, day?: {date: string, trips: object[], total: number, free: number}, minFreeShare?: number,
 *   mapRefreshAfter?: number, room?: null | {opensInSeconds: number, activeShoppers?: number,
 *   admissionsPerSecond?: number, maxWaitSeconds?: number}, roomOff?: boolean, pickShare?: number,
 *   waitlistShare?: number, lapseShare?: number, cancelShare?: number, waitlistPollSeconds?: number,
 *   waitlistMaxSeconds?: number, maxDayOffset?: number}} o
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
  room = null,
  roomOff = false,
  pickShare = 0,
  waitlistShare = 0,
  lapseShare = 0,
  cancelShare = 0,
  waitlistPollSeconds = 3,
  waitlistMaxSeconds = 600,
  maxDayOffset = 10,
}) {
  const client = createClient({ maxSockets: connections, timeoutMs: 30_000 });
  const setup = createClient({ maxSockets: 16 });

  // The operator's side: schedule the room's opening, or switch the rooms off for the run without one. Off goes
  // for every candidate date before one is picked: a previous run may have left the queue's saturation room on
  // for every date on sale (booking was overloaded), and a date behind a room cannot be picked or rushed.
  let operator = null;
  let roomSetup = null;
  if (room || roomOff) {
    operator = await adminToken(setup).catch((e) => {
      if (room) throw e;
      return null;
    });
  }
  let switchedOff = null;
  if (roomOff && operator && !day) {
    switchedOff = [];
    for (let offset = 1; offset <= maxDayOffset; offset += 1)
      if (await switchRoomOff(setup, operator, dhakaDate(offset))) switchedOff.push(dhakaDate(offset));
    if (switchedOff.length > 0) await sleep(2500); // the booking and train replicas' room watchers poll each second
  }
  const chosen = day ?? (await pickRushDay(setup, { minFreeShare, toOffset: maxDayOffset }));
  const trips = chosen.trips;
  const tripIds = trips.map((t) => t.tripId);
  if (roomOff && operator) {
    const off = switchedOff ? switchedOff.includes(chosen.date) : await switchRoomOff(setup, operator, chosen.date);
    roomSetup = { mode: off ? 'off (DELETE before the run)' : 'no queue service answered' };
  }
  const started = performance.now();
  const startedAtMs = Date.now();
  const at = () => (performance.now() - started) / 1000;
  let openingAt = 0;
  let watcher = null;
  if (room) {
    openingAt = room.opensInSeconds;
    const settings = await scheduleRoom(setup, operator, chosen.date, {
      opensAt: startedAtMs + openingAt * 1000,
      activeShoppers: room.activeShoppers,
      admissionsPerSecond: room.admissionsPerSecond,
    });
    // The room switches on at the queue's next admission tick (and the gateway micro-caches the status): wait
    // for it, bounded, then a moment more so the booking and train replicas' room watchers (1 s poll) see it.
    let sale = await saleStatus(setup, chosen.date);
    for (let i = 0; i < 40 && !sale?.roomActive; i++) {
      await sleep(250);
      sale = await saleStatus(setup, chosen.date);
    }
    if (sale?.roomActive) await sleep(1500);
    roomSetup = { settings, saleAtStart: sale };
    if (!sale?.roomActive)
      throw new Error(`the room of ${chosen.date} is not active after scheduling it: ${JSON.stringify(sale)}`);
    watcher = watchRoom(setup, operator, chosen.date, 500);
  }
  console.log(
    `rush: ${users.length} users over ${rampSeconds}s for ${chosen.free}/${chosen.total} free seats of ${chosen.date} (trips ${tripIds.join(', ')})` +
      (room ? `; the room opens ${openingAt}s after the start` : roomOff ? '; waiting room off' : '') +
      `; pick-for-me ${pickShare}, waitlist ${waitlistShare}, cancel ${cancelShare}, lapse ${lapseShare}`,
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
  const places = [];
  /** [t, kind, status, code] of every select the shoppers sent (not the waitlist's). */
  const selects = [];
  /** Occupancy changes as the client knows them: [t, +/-seats]. */
  const occupancy = [];
  /** Seat key -> [{t, how}] of every release the client caused or knows of (cancel, lapse at expiresAt, failed purchase). */
  const freedAt = new Map();
  /** Holds not yet CONFIRMED or released: bookingId -> expiresAt (ms): how long a waitlister can still hope. */
  const outstanding = new Map();
  const waitlist = { joined: 0, refused: {}, entries: [] };
  const holdsBy = { cancel: 0, lapse: 0, pay: 0 };
  const seatsBy = { cancel: 0, lapse: 0 };

  const dayTrips = new Set(tripIds);
  const pick = (a) => a[Math.floor(Math.random() * a.length)];
  const allConfirmed = () => confirmed >= chosen.free;
  const freedKey = (tripId, seatId) => `${tripId}:${seatId}`;
  const markFreed = (tripId, seats, t, how) => {
    for (const s of seats) {
      const k = freedKey(tripId, s.seatId);
      const list = freedAt.get(k) ?? [];
      list.push({ t, how });
      freedAt.set(k, list);
    }
    occupancy.push([t, -seats.length]);
  };
  const expiresAtRun = (iso) => (Date.parse(iso) - startedAtMs) / 1000;

  function onConfirmed(tripId, booking) {
    for (const seat of booking.seats) {
      const key = `${tripId}:${seat.seatId}`;
      if (confirmedBy.has(key)) clientDoubleSold += 1;
      confirmedBy.set(key, booking.bookingId);
    }
    confirmed += booking.seats.length;
    confirmedSeats.push([r1(at()), confirmed]);
    outstanding.delete(booking.bookingId);
  }

  /** What a holder does with a fresh hold: pay, release it, or let it lapse. Returns the outcome. */
  async function afterHold(u, common, tripId, booking, headers) {
    held += booking.seats.length;
    heldSeats.push([r1(at()), held]);
    occupancy.push([at(), booking.seats.length]);
    outstanding.set(booking.bookingId, Date.parse(booking.expiresAt));
    if (held >= chosen.free && soldOutAt === null) soldOutAt = at();
    if (!pay) return 'held';
    const fate = Math.random();
    if (fate < cancelShare) {
      holdsBy.cancel += 1;
      await sleep(500 + Math.random() * 2500); // looks at the price, changes their mind
      const c = await client.request({ ...common, method: 'DELETE', path: `/api/bookings/${booking.bookingId}` });
      rec.record('cancel', c);
      if (c.status === 200) {
        seatsBy.cancel += booking.seats.length;
        markFreed(tripId, booking.seats, at(), 'cancel');
        outstanding.delete(booking.bookingId);
        return 'cancelled';
      }
      return `cancel-failed-${c.status}`;
    }
    if (fate < cancelShare + lapseShare) {
      holdsBy.lapse += 1;
      seatsBy.lapse += booking.seats.length;
      markFreed(tripId, booking.seats, expiresAtRun(booking.expiresAt), 'lapse');
      return 'lapsed';
    }
    holdsBy.pay += 1;
    const result = await completePurchase(client, rec, u, booking, {
      confirmHeaders: headers,
      onPaid: () => {
        paid += booking.seats.length;
        paidSeats.push([r1(at()), paid]);
      },
    });
    if (result === 'CONFIRMED') onConfirmed(tripId, booking);
    else if (!String(result).startsWith('paid')) markFreed(tripId, booking.seats, expiresAtRun(booking.expiresAt), 'failed');
    return result === 'CONFIRMED' ? 'purchased' : `purchase-failed:${result}`;
  }

  /** Waits out a 429/503 (true) or counts a failed attempt and backs off (true), or says the answer is final (false). */
  async function retryable(name, res, state, counted = false) {
    if (res.status === 429 || res.status === 503) {
      rec.outcome(`retried: ${name} ${res.status}`);
      await sleep(retryAfterMs(res.headers));
      return true;
    }
    if (isError(res.status)) {
      if (!counted) state.attempts += 1;
      rec.outcome(`retried: ${name} ${res.status}`);
      await backoff(state.failures++);
      return true;
    }
    return false;
  }

  /**
   * Shopping as an admitted (or room-less) traveller: results page, a train that still shows seats, then either
   * the seat map (pick seats, retry others on a 409) or "pick for me" (class + count). Returns an outcome, or
   * {soldOut: trip list} when the route is sold out.
   */
  async function shop(u, common, headers, picker) {
    const route = pick(trips).route;
    const state = { attempts: 0, failures: 0 };
    while (state.attempts < maxAttempts) {
      const r = await client.request({
        ...common,
        path: `/api/trains/search?from=${route[0]}&to=${route[1]}&date=${chosen.date}`,
      });
      rec.record('search', r);
      if (r.status !== 200) {
        if (!(await retryable('search', r, state))) state.attempts += 1;
        continue;
      }
      const mine = r.body.trips.filter((t) => dayTrips.has(t.tripId));
      const open = mine.filter((t) => t.classes.some((c) => c.seatsAvailable === null || c.seatsAvailable > 0));
      if (open.length === 0) return { soldOut: mine };
      const trip = pick(open);
      const outcome = picker
        ? await pickForMe(u, common, headers, trip, state)
        : await chooseOnMap(u, common, headers, trip, state);
      if (outcome) return outcome;
    }
    return 'gave-up';
  }

  /**
   * A seat map as the app asks for it: anonymous (shared by the gateway's micro-cache) unless the traveller holds
   * the date's pass, which is bound to the account and so goes with the access token.
   */
  const mapRequest = (common, headers, tripId) => ({
    xff: common.xff,
    ...(headers?.[PASS_HEADER] ? { token: common.token, headers } : {}),
    path: `/api/trains/trips/${tripId}/seats`,
  });

  /**
   * How old a seat map was when it arrived (issue 12, item 3): the age of the availability it was built from
   * (`availabilityAgeMs`, train's availability cache) plus the seconds a cache on the way kept it (`Age`,
   * the gateway's micro-cache) plus its time on the wire after it was built (at most the request's own time).
   */
  const mapAges = [];
  const mapAgesWire = [];
  function noteMapAge(m) {
    if (m.status !== 200 || typeof m.body?.availabilityAgeMs !== 'number') return;
    const cached = Number(m.headers?.age);
    const built = m.body.availabilityAgeMs + (Number.isFinite(cached) ? cached * 1000 : 0);
    mapAges.push(built);
    mapAgesWire.push(built + m.ms);
  }

  /** The old rush's traveller on one train: seat map, random free seats, other seats on a 409. */
  async function chooseOnMap(u, common, headers, trip, state) {
    let free = null;
    let conflicts = 0;
    while (state.attempts < maxAttempts) {
      if (free === null || conflicts >= mapRefreshAfter) {
        const m = await client.request(mapRequest(common, headers, trip.tripId));
        rec.record('seat-map', m);
        noteMapAge(m);
        if (m.status === 403 && m.body?.code === 'QUEUE_REQUIRED') return 'pass-refused: seat-map';
        if (m.status !== 200) {
          if (!(await retryable('seat-map', m, state))) state.attempts += 1;
          continue;
        }
        free = shuffleInPlace(
          m.body.coaches.flatMap((c) => c.seats.filter((s) => s.status === 'available').map((s) => s.seatId)),
        );
        conflicts = 0;
      }
      if (free.length === 0) return null; // this train is gone: back to the results
      const want = Math.min(pick(WANT), free.length);
      const seatIds = free.slice(0, want);
      state.attempts += 1;
      const t = at();
      const s = await client.request({
        ...common,
        headers,
        method: 'POST',
        path: '/api/bookings/seats/select',
        body: { tripId: trip.tripId, seatIds },
      });
      rec.record('select', s);
      selects.push([t, 'seats', s.status, s.body?.code ?? null]);
      if (s.status === 201) return afterHold(u, common, trip.tripId, s.body, headers);
      if (s.status === 409 && s.body?.code === 'SEAT_UNAVAILABLE') {
        const taken = new Set(s.body.seatIds ?? seatIds);
        free = free.filter((id) => !taken.has(id));
        conflicts += 1;
        continue;
      }
      if (s.status === 409 && s.body?.code === 'LIMIT_EXCEEDED') return 'limit-exceeded';
      if (s.status === 403 && s.body?.code === 'QUEUE_REQUIRED') return 'pass-refused: select';
      if (await retryable('select', s, state, true)) continue;
      return `select refused ${s.status}`;
    }
    return 'gave-up';
  }

  /** "Pick for me" on one train: a class that shows seats, 1-4 seats side by side; on NOT_ENOUGH_SEATS what is left. */
  async function pickForMe(u, common, headers, trip, state) {
    // The seat page loads its map once; the traveller then presses "pick for me".
    const m = await client.request(mapRequest(common, headers, trip.tripId));
    rec.record('seat-map', m);
    noteMapAge(m);
    if (m.status === 403 && m.body?.code === 'QUEUE_REQUIRED') return 'pass-refused: seat-map';
    // Free seats per class as the page shows them: from the map when it came (fresher than the results), else the results.
    const classes = new Map(trip.classes.map((c) => [c.class, c.seatsAvailable ?? 1]));
    if (m.status === 200) {
      for (const c of classes.keys()) classes.set(c, 0);
      for (const coach of m.body.coaches)
        classes.set(coach.class, (classes.get(coach.class) ?? 0) + coach.seats.filter((x) => x.status === 'available').length);
    }
    let count = pick(WANT);
    const preference = pick(PREFERENCES);
    let together;
    while (state.attempts < maxAttempts) {
      const open = [...classes].filter(([, n]) => n > 0);
      if (open.length === 0) return null; // the whole train is taken: back to the results
      // Weighted by the seats the results showed, as a crowd spreads over what is offered.
      let x = Math.random() * open.reduce((a, [, n]) => a + n, 0);
      let cls = open[0][0];
      for (const [c, n] of open) {
        x -= n;
        if (x <= 0) {
          cls = c;
          break;
        }
      }
      state.attempts += 1;
      const body = { tripId: trip.tripId, class: cls, count };
      if (preference) body.preference = preference;
      if (together !== undefined) body.together = together;
      const t = at();
      const s = await client.request({ ...common, headers, method: 'POST', path: '/api/bookings/seats/select', body });
      rec.record('select', s);
      selects.push([t, 'pick', s.status, s.body?.code ?? null]);
      if (s.status === 201) return afterHold(u, common, trip.tripId, s.body, headers);
      if (s.status === 409 && s.body?.code === 'NOT_ENOUGH_SEATS') {
        const left = Number(s.body.seatsLeft ?? 0);
        if (left <= 0) classes.set(cls, 0);
        else if (left >= count && together !== false && count > 1)
          together = false; // not side by side, then
        else if (left < count)
          count = left; // take what is left, as the page offers
        else classes.set(cls, 0);
        continue;
      }
      if (s.status === 409 && s.body?.code === 'SEATS_NOT_TOGETHER') {
        together = false; // only when side by side was asked for: then any seats
        continue;
      }
      if (s.status === 409 && s.body?.code === 'LIMIT_EXCEEDED') return 'limit-exceeded';
      if (s.status === 403 && s.body?.code === 'QUEUE_REQUIRED') return 'pass-refused: select';
      if (await retryable('select', s, state, true)) continue;
      return `select refused ${s.status}`;
    }
    return 'gave-up';
  }

  /** The latest moment a held seat may still come free (an outstanding hold's expiry), in ms since the epoch. */
  const lastHope = () => {
    let max = 0;
    for (const e of outstanding.values()) if (e > max) max = e;
    return max;
  };

  /**
   * A sold-out traveller on the waitlist: joins (another trip or class when refused for a duplicate, at most three
   * tries), checks every few seconds, pays when offered, leaves when hopeless. Returns an outcome, or
   * 'seats-available' when the waitlist says seats are free again (then the traveller shops once more).
   */
  async function onWaitlist(u, common, soldOutTrips, headersOf) {
    const candidates = soldOutTrips.length ? soldOutTrips : trips.map((t) => ({ tripId: t.tripId, classes: [] }));
    const count = pick(WANT);
    let w = null;
    let trip = null;
    for (let tries = 0; tries < 3; tries += 1) {
      trip = pick(candidates);
      const cls = pick(trip.classes.length ? trip.classes.map((c) => c.class) : ['S_CHAIR']);
      w = await client.request({
        ...common,
        method: 'POST',
        path: '/api/bookings/waitlist',
        body: { tripId: trip.tripId, class: cls, count },
      });
      rec.record('waitlist-join', w);
      if (w.status === 201) break;
      const why = `${w.status}${w.body?.code ? ` ${w.body.code}` : ''}`;
      waitlist.refused[why] = (waitlist.refused[why] ?? 0) + 1;
      if (w.status === 409 && w.body?.code === 'WAITLIST_SEATS_AVAILABLE') return 'seats-available';
      if (w.status === 429 || w.status === 503) await sleep(retryAfterMs(w.headers));
      else if (!(w.status === 409 && w.body?.code === 'WAITLIST_DUPLICATE') && w.status !== 400) break;
    }
    if (w.status !== 201) return `waitlist refused ${w.status}${w.body?.code ? ` ${w.body.code}` : ''}`;
    waitlist.joined += 1;
    const entry = { joinedAt: at(), position: w.body.position, count, tripId: trip.tripId };
    waitlist.entries.push(entry);
    const hardDeadline = performance.now() + waitlistMaxSeconds * 1000;
    for (let polls = 0; polls < 1000; polls += 1) {
      await sleep(waitlistPollSeconds * 1000 * (0.8 + Math.random() * 0.4));
      const g = await client.request({ ...common, path: '/api/bookings/waitlist' });
      rec.record('waitlist-poll', g);
      const mine = g.status === 200 ? g.body.items.find((x) => x.waitlistId === w.body.waitlistId) : undefined;
      if (mine?.status === 'OFFERED' && mine.bookingId) {
        entry.offeredAt = at();
        const b = await client.request({ ...common, path: `/api/bookings/${mine.bookingId}` });
        rec.record('view-booking', b);
        if (b.status !== 200) return `waitlist offer unreadable ${b.status}`;
        entry.seats = b.body.seats.length;
        entry.offerSeats = b.body.seats.map((s) => s.seatId);
        occupancy.push([at(), b.body.seats.length]);
        outstanding.set(mine.bookingId, Date.parse(b.body.expiresAt));
        const result = await completePurchase(client, rec, u, b.body, {
          confirmHeaders: headersOf(),
          onQueueRequired: async () => {
            // The offer came while the date's room is active and this traveller has no pass: queue for one.
            entry.queuedForPass = true;
            const place = { index: u.index, forOffer: true };
            const r = await throughRoom(client, rec, common, chosen.date, place, { at, maxWaitMs: 120_000 });
            rec.outcome(`waitlist offer: room said ${r.status}`);
            return r.status === 'admitted' && r.pass ? { [PASS_HEADER]: r.pass } : null;
          },
          onPaid: () => {
            paid += b.body.seats.length;
            paidSeats.push([r1(at()), paid]);
          },
        });
        entry.result = result;
        if (result === 'CONFIRMED') {
          entry.confirmedAt = at();
          onConfirmed(trip.tripId, b.body);
          return 'waitlist: purchased';
        }
        return `waitlist: purchase-failed:${result}`;
      }
      if (mine && mine.status !== 'WAITING') return `waitlist: ${mine.status}`;
      const hopeless = allConfirmed() || Date.now() > lastHope() + 20_000;
      if (hopeless || performance.now() > hardDeadline) break;
    }
    const d = await client.request({ ...common, method: 'DELETE', path: `/api/bookings/waitlist/${w.body.waitlistId}` });
    rec.record('waitlist-leave', d);
    entry.left = at();
    return 'waitlist: left unserved';
  }

  // One traveller: through the room when there is one, then shopping; sold out -> maybe the waitlist.
  async function user(u, i) {
    await sleep((i / users.length) * rampSeconds * 1000);
    const common = { token: u.token, xff: u.xff };
    const picker = Math.random() < pickShare;
    let headers;
    let place = null;
    if (room) {
      place = { index: u.index };
      places.push(place);
      const r = await throughRoom(client, rec, common, chosen.date, place, {
        at,
        maxWaitMs: (room.maxWaitSeconds ?? 600) * 1000,
      });
      if (r.status !== 'admitted') {
        if (r.status === 'sold-out' && Math.random() < waitlistShare) {
          const s = await shop(u, common, undefined, picker); // results page shows sold out: join its waitlist
          if (typeof s === 'object') {
            const w = await onWaitlist(u, common, s.soldOut, () => undefined);
            return rec.outcome(w === 'seats-available' ? 'room sold-out, waitlist said seats are free' : w);
          }
          return rec.outcome(`room sold-out, then ${s}`);
        }
        return rec.outcome(`room: ${r.status}${r.why ? ` ${r.why}` : ''}`);
      }
      headers = r.pass ? { [PASS_HEADER]: r.pass } : undefined;
    }
    let outcome = await shop(u, common, headers, picker);
    if (typeof outcome === 'object' && pay && Math.random() < waitlistShare) {
      outcome = await onWaitlist(u, common, outcome.soldOut, () => headers);
      if (outcome === 'seats-available') {
        outcome = await shop(u, common, headers, picker); // the waitlist said seats came back: try them, once
        if (typeof outcome === 'object') outcome = 'sold-out after the waitlist said seats were free';
      }
    }
    if (typeof outcome === 'object') outcome = 'sold-out';
    if (room) await leaveRoom(client, rec, common, chosen.date);
    rec.outcome(outcome);
  }

  await Promise.all(users.map((u, i) => user(u, i)));
  const wall = at();
  const gateway = await gatewayLatency(startedAtMs, Date.now()).catch((e) => ({ error: e.message }));
  const system = await mon.stop();
  const roomSamples = watcher ? await watcher.stop() : [];
  const roomAtEnd = operator && room ? await roomSettings(setup, operator, chosen.date).catch(() => null) : null;
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
  const sinceOpening = (t) => (t === null ? null : r2(t - openingAt));
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
      room: room ?? (roomOff ? 'off' : null),
      pickShare,
      waitlistShare,
      lapseShare,
      cancelShare,
    },
    summary,
    /** The gateway's own latency per route over the run (null unless native): the system's view, without the client's queueing. */
    gateway,
    rush: {
      openingAt,
      seatsHeld: held,
      seatsPaid: paid,
      seatsConfirmed: confirmed,
      /** Seconds since the opening (the start of the run without a room). */
      soldOutPaidSeconds: sinceOpening(paidAt),
      allHeldAfterSeconds: soldOutAt === null ? null : sinceOpening(soldOutAt),
      soldOutThroughPaymentSeconds: sinceOpening(confirmedAt),
      clientSideDoubleSold: clientDoubleSold,
      db,
      selects: selectShares(selects, occupancy, chosen.free),
      /** Age of the seat maps on arrival (ms): at least (availability + cache) and at most (+ the request's time). */
      seatMapAgeMs: { atLeast: summarize(mapAges), atMost: summarize(mapAgesWire) },
      holds: { ...holdsBy, seatsCancelled: seatsBy.cancel, seatsLapsed: seatsBy.lapse },
      waitlist: waitlistReport(waitlist, freedAt),
    },
    room: room
      ? {
          setup: roomSetup,
          atEnd: roomAtEnd,
          ...analyseRoom(places, { openingAt, samples: roomSamples, watchT0Offset: (watcher.t0 - started) / 1000 }),
        }
      : roomSetup,
    series: { requests: rec.timeSeries(), held: heldSeats, paid: paidSeats, confirmed: confirmedSeats, room: roomSamples },
    system,
  };
}

/**
 * Share of selects that won while seats remained (the client's own occupancy count, holds + offers - releases,
 * below the seats on sale at the moment the select was sent), by kind.
 */
function selectShares(selects, occupancy, free) {
  const events = [...occupancy].sort((a, b) => a[0] - b[0]);
  const sorted = [...selects].sort((a, b) => a[0] - b[0]);
  let occ = 0;
  let k = 0;
  const by = {};
  const add = (key, won) => {
    const e = (by[key] ??= { sent: 0, won: 0 });
    e.sent += 1;
    if (won) e.won += 1;
  };
  const codes = {};
  for (const [t, kind, status, code] of sorted) {
    while (k < events.length && events[k][0] <= t) occ += events[k++][1];
    const phase = occ < free ? 'whileSeatsRemain' : 'afterAllTaken';
    const won = status === 201;
    add(`${phase}.${kind}`, won);
    add(`${phase}.all`, won);
    if (phase === 'whileSeatsRemain' && !won)
      codes[`${status}${code ? ` ${code}` : ''}`] = (codes[`${status}${code ? ` ${code}` : ''}`] ?? 0) + 1;
  }
  const out = {};
  for (const [key, e] of Object.entries(by)) out[key] = { ...e, share: r2(e.won / Math.max(1, e.sent)) };
  return { ...out, lostWhileSeatsRemainBy: codes };
}

function waitlistReport(waitlist, freedAt) {
  const offered = waitlist.entries.filter((e) => e.offeredAt !== undefined);
  const delays = [];
  for (const e of offered) {
    for (const seatId of e.offerSeats ?? []) {
      const list = freedAt.get(`${e.tripId}:${seatId}`) ?? [];
      const before = list.filter((f) => f.t <= e.offeredAt + 0.5).map((f) => f.t);
      if (before.length) delays.push(e.offeredAt - Math.max(...before));
    }
  }
  const s = (values) => {
    const v = [...values].sort((a, b) => a - b);
    const q = (p) => (v.length ? r2(v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)]) : null);
    return { count: v.length, p50: q(50), p90: q(90), max: q(100) };
  };
  return {
    joined: waitlist.joined,
    refused: waitlist.refused,
    offers: offered.length,
    seatsOffered: offered.reduce((a, e) => a + (e.seats ?? 0), 0),
    confirmedFromWaitlist: offered.filter((e) => e.result === 'CONFIRMED').length,
    seatsConfirmedFromWaitlist: offered.filter((e) => e.result === 'CONFIRMED').reduce((a, e) => a + (e.seats ?? 0), 0),
    leftUnserved: waitlist.entries.filter((e) => e.left !== undefined).length,
    joinToOfferSeconds: s(offered.map((e) => e.offeredAt - e.joinedAt)),
    /** Per offered seat whose release the client knows (cancel, lapse at its expiry): release -> offer seen (poll resolution). */
    freedToOfferSeconds: s(delays),
    offerToConfirmedSeconds: s(offered.filter((e) => e.confirmedAt !== undefined).map((e) => e.confirmedAt - e.offeredAt)),
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

/** Issue 11's done-when for one run with the room on: 0 5xx, 0 double-sold, every seat CONFIRMED, select p99 <= 300 ms. */
export function roomDoneWhen(result, selectP99Ms = 300) {
  const misses = [...rushFailures(result)];
  const db = result.rush.db;
  if (!db.error && Number(db.confirmedSeats) < result.params.seatsFree)
    misses.push(`${db.confirmedSeats} of ${result.params.seatsFree} seats CONFIRMED in booking_db`);
  const p99 = result.summary.requests.select?.p99;
  if (p99 === undefined || p99 === null || p99 > selectP99Ms)
    misses.push(`select p99 ${p99} ms > ${selectP99Ms} ms (client side)`);
  return misses;
}
