// What the scenarios need to know about the running system: the catalog (trips of a day, their
// seats), prepared tokens, the booking flow's steps, and the PostgreSQL double-sell check.
import { readFileSync, existsSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { RESULTS_DIR } from './report.mjs';
import { vuAddress, sleep, retryAfterMs } from './http.mjs';

/** The brief's rake: these five trains x 5 coaches x 55 seats = 1,375 seats a day. */
export const BRIEF_TRAINS = ['702', '704', '710', '753', '763'];
export const ROUTES = [
  ['DHK', 'CTG'],
  ['DHK', 'SYL'],
  ['DHK', 'RJH'],
  ['DHK', 'KLN'],
  ['DHK', 'CXB'],
  ['CTG', 'DHK'],
  ['SYL', 'DHK'],
  ['RJH', 'DHK'],
  ['KLN', 'DHK'],
  ['CXB', 'DHK'],
];
export const TOKENS_FILE = process.env.LOAD_TOKENS_FILE ?? join(RESULTS_DIR, 'tokens.json');

/** Calendar date in Asia/Dhaka, `offset` days from today: the railway's sales window is local. */
export function dhakaDate(offset = 0) {
  const d = new Date(Date.now() + 6 * 3600_000 + offset * 86_400_000);
  return d.toISOString().slice(0, 10);
}

/** Sends one setup request and fails loudly: setup errors must never look like measurements. */
export async function must(client, req, what) {
  for (let attempt = 0; ; attempt += 1) {
    const res = await client.request({ xff: '10.255.255.254', ...req });
    if (res.status >= 200 && res.status < 300) return res.body;
    if ((res.status === 429 || res.status === 503) && attempt < 5) {
      await sleep(1000);
      continue;
    }
    throw new Error(
      `${what}: ${req.method ?? 'GET'} ${req.path} -> ${res.status} ${res.error ?? JSON.stringify(res.body)?.slice(0, 300)}`,
    );
  }
}

/** Trips of one date over the given routes (deduplicated), with train numbers. */
export async function tripsOn(client, date, routes = ROUTES) {
  const byId = new Map();
  for (const [from, to] of routes) {
    const body = await must(client, { path: `/api/trains/search?from=${from}&to=${to}&date=${date}` }, 'search');
    for (const t of body.trips) {
      if (!byId.has(t.tripId))
        byId.set(t.tripId, {
          tripId: t.tripId,
          trainNumber: t.trainNumber,
          trainName: t.trainName,
          date: t.date ?? date,
          route: [from, to],
        });
    }
  }
  return [...byId.values()];
}

/** The whole-route seat map of a trip, flattened. */
export async function seatsOf(client, tripId) {
  const map = await must(client, { path: `/api/trains/trips/${tripId}/seats` }, 'seat map');
  return map.coaches.flatMap((c) => c.seats.map((s) => ({ seatId: s.seatId, status: s.status, coach: c.code })));
}

export function loadTokens(min = 1, file = TOKENS_FILE) {
  if (!existsSync(file)) throw new Error(`no tokens at ${file}: run npm run load:prepare -- --users N first`);
  const data = JSON.parse(readFileSync(file, 'utf8'));
  const now = Date.now();
  const valid = data.users.filter((u) => u.expiresAt - now > 60_000);
  if (valid.length < min) {
    throw new Error(
      `only ${valid.length} of ${data.users.length} prepared tokens are valid for another minute; need ${min}: run npm run load:prepare -- --users ${Math.max(min, data.users.length)}`,
    );
  }
  return valid.map((u) => ({ ...u, xff: vuAddress(u.index) }));
}

export const PASSENGER_NAMES = ['Rahim Uddin', 'Karima Begum', 'Abdul Karim', 'Nusrat Jahan'];

/**
 * One step of a purchase as a well-behaved client sends it: every answer is recorded, and a 429/503 is waited
 * out for its Retry-After and sent again (at most `tries` times, some 15-30 s: a traveller holding seats keeps
 * trying), as the frontend does. Safe for these steps:
 * a refused request changed nothing, and the payment carries an Idempotency-Key.
 */
async function step(client, rec, name, request, tries = 15) {
  let answer;
  for (let i = 0; i < tries; i += 1) {
    answer = await client.request(request);
    rec.record(name, answer);
    if (answer.status !== 429 && answer.status !== 503) return answer;
    rec.outcome(`retried: ${name} ${answer.status}`);
    await sleep(retryAfterMs(answer.headers));
  }
  return answer;
}

/**
 * The full purchase after a successful select: passengers -> OTP -> pay -> confirmed. Each step is recorded under
 * its own name. `confirmHeaders` go with the confirm (the waiting room's pass); on 403 QUEUE_REQUIRED
 * `onQueueRequired()` may fetch a pass (its headers, or null). Returns the final booking status (or the failed step).
 */
export async function completePurchase(
  client,
  rec,
  user,
  booking,
  { pollMs = 500, confirmTimeoutMs = 15_000, onPaid = () => undefined, confirmHeaders, onQueueRequired } = {},
) {
  const common = { token: user.token, xff: user.xff };
  const passengers = booking.seats.map((_, i) => ({
    name: PASSENGER_NAMES[i % 4],
    age: 30 + i,
    gender: i % 2 ? 'female' : 'male',
  }));
  const confirm = (headers) =>
    step(client, rec, 'confirm', {
      ...common,
      method: 'POST',
      path: '/api/bookings/seats/confirm',
      headers,
      body: { bookingId: booking.bookingId, passengers },
    });
  let c = await confirm(confirmHeaders);
  if (c.status === 403 && c.body?.code === 'QUEUE_REQUIRED' && onQueueRequired) {
    // No (valid) pass while the date's room is active: through the room, then once more.
    const headers = await onQueueRequired();
    if (headers) c = await confirm(headers);
  }
  if (c.status !== 200 && c.status !== 201) return `confirm-${c.status}${c.body?.code ? `-${c.body.code}` : ''}`;
  if (!c.body.devOtp) return 'no-dev-otp';
  const v = await step(client, rec, 'verify-otp', {
    ...common,
    method: 'POST',
    path: `/api/bookings/${booking.bookingId}/verify-otp`,
    body: { otp: c.body.devOtp },
  });
  if (v.status !== 200) return `verify-otp-${v.status}`;
  const i = await step(client, rec, 'pay-initiate', {
    ...common,
    method: 'POST',
    path: '/api/payments/initiate',
    body: { bookingId: booking.bookingId },
  });
  if (i.status !== 201 && i.status !== 200) return `pay-initiate-${i.status}`;
  const p = await step(client, rec, 'pay-verify', {
    ...common,
    method: 'POST',
    path: '/api/payments/verify',
    headers: { 'idempotency-key': `load-${i.body.paymentId}` },
    body: { paymentId: i.body.paymentId, method: 'card', cardNumber: '4242424242424242', expiry: '12/30', cvc: '123' },
  });
  if (p.status !== 200 || p.body.status !== 'SUCCEEDED') return `pay-verify-${p.status}-${p.body?.status ?? ''}`;
  onPaid();
  // The booking turns CONFIRMED when the payment.succeeded event arrives: poll the way a client would.
  const deadline = performance.now() + confirmTimeoutMs;
  while (performance.now() < deadline) {
    const g = await step(client, rec, 'view-booking', { ...common, path: `/api/bookings/${booking.bookingId}` });
    if (g.status === 200 && g.body.status === 'CONFIRMED') return 'CONFIRMED';
    if (g.status === 200 && (g.body.status === 'EXPIRED' || g.body.status === 'CANCELLED')) return g.body.status;
    await sleep(pollMs);
  }
  return 'paid-not-confirmed';
}

export function psqlJson(db, sql) {
  return new Promise((resolve, reject) => {
    execFile(
      'psql',
      ['-h', process.env.PGHOST ?? '127.0.0.1', '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-Atc', sql],
      { timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`psql ${db}: ${stderr || err.message}`));
        try {
          resolve(JSON.parse(stdout.trim()));
        } catch (e) {
          reject(e);
        }
      },
    );
  });
}

/**
 * Read-only check in booking_db: pairs of bookings in a live state (HELD, PENDING_PAYMENT,
 * CONFIRMED) that cover the same seat on overlapping legs. Judged on bookings.status, not on the
 * `active` flag the exclusion constraint uses, so it does not trust the mechanism it checks.
 */
export async function doubleSold(tripIds) {
  const live = "('HELD','PENDING_PAYMENT','CONFIRMED')";
  const sql = `select json_build_object(
      'overlappingLivePairs', (select count(*) from booking_seats a join booking_seats b
          on a.trip_id = b.trip_id and a.seat_id = b.seat_id and a.booking_id < b.booking_id and a.legs && b.legs
          join bookings ba on ba.id = a.booking_id join bookings bb on bb.id = b.booking_id
          where a.trip_id = any($1) and ba.status in ${live} and bb.status in ${live}),
      'confirmedSeats', (select count(*) from booking_seats s join bookings b on b.id = s.booking_id where s.trip_id = any($1) and b.status = 'CONFIRMED'),
      'liveSeats', (select count(*) from booking_seats s join bookings b on b.id = s.booking_id where s.trip_id = any($1) and b.status in ${live}),
      'bookingsByStatus', (select coalesce(json_object_agg(status, n), '{}') from (select status, count(*) n from bookings where trip_id = any($1) group by status) x))`;
  return psqlJson(process.env.LOAD_BOOKING_DB ?? 'booking_db', sql.replaceAll('$1', `'{${tripIds.join(',')}}'::int[]`));
}
