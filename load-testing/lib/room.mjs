// The waiting room (issue 11, services/queue behind /api/queue) as the rush drives it: the operator's switch
// (an admin token, PUT/DELETE of a sale's settings), one traveller's way through the room (join before the
// opening, check in at the server's pollAfterSeconds until admitted or sold out, bounded), and the analysis of
// a run's places: time spent waiting, predicted against actual wait, and admission order against the draw.
import { sleep, retryAfterMs } from './http.mjs';
import { must } from './system.mjs';
import { summarize } from './stats.mjs';

export const ADMIN = {
  email: process.env.LOAD_ADMIN_EMAIL ?? 'admin@example.com',
  password: process.env.LOAD_ADMIN_PASSWORD ?? 'Admin-pass-2026!',
};
export const PASS_HEADER = 'x-queue-pass';
const OPERATOR_XFF = '10.255.255.252';

/** An operator's access token (the admin seeded outside production). */
export async function adminToken(client) {
  const body = await must(
    client,
    { method: 'POST', path: '/api/auth/login', xff: OPERATOR_XFF, body: { email: ADMIN.email, password: ADMIN.password } },
    'admin login',
  );
  return body.token;
}

/** The sale's public status, or null when no queue service answers (a system without issue 11). */
export async function saleStatus(client, date) {
  const r = await client.request({ path: `/api/queue/sales/${date}`, xff: OPERATOR_XFF });
  return r.status === 200 ? r.body : null;
}

/**
 * Schedules the room for `date`: active from now (roomOpensMinutesBefore covers the lead), the pre-queue drawn at
 * `opensAt`, admissions as given (omitted: the service's defaults). Returns the effective settings.
 */
export async function scheduleRoom(
  client,
  token,
  date,
  { opensAt, activeShoppers, admissionsPerSecond, roomOpensMinutesBefore = 10 },
) {
  const body = { mode: 'scheduled', opensAt: new Date(opensAt).toISOString(), roomOpensMinutesBefore };
  if (activeShoppers) body.activeShoppers = activeShoppers;
  if (admissionsPerSecond) body.admissionsPerSecond = admissionsPerSecond;
  return must(
    client,
    { method: 'PUT', path: `/api/queue/admin/sales/${date}`, token, xff: OPERATOR_XFF, body },
    'schedule the waiting room',
  );
}

/** Switches the date's room off (no scheduled or saturation room) until the next PUT; false when there is no queue service. */
export async function switchRoomOff(client, token, date) {
  const r = await client.request({ method: 'DELETE', path: `/api/queue/admin/sales/${date}`, token, xff: OPERATOR_XFF });
  if (r.status >= 200 && r.status < 300) return true;
  if (r.status === 404) return false;
  throw new Error(`switching the room of ${date} off: ${r.status} ${JSON.stringify(r.body)?.slice(0, 200)}`);
}

/** The operator's view (settings and live counters), or null. */
export async function roomSettings(client, token, date) {
  const r = await client.request({ path: `/api/queue/admin/sales/${date}`, token, xff: OPERATOR_XFF });
  return r.status === 200 ? r.body : null;
}

/**
 * Samples the operator's counters every `everyMs` until stopped: the admitted total over time lets a place's
 * position at a later check-in be turned back into its place in the draw (position + admitted before it).
 */
export function watchRoom(client, token, date, everyMs = 500) {
  const samples = [];
  let stopped = false;
  const t0 = performance.now();
  const loop = (async () => {
    while (!stopped) {
      const s = await roomSettings(client, token, date).catch(() => null);
      if (s)
        samples.push({
          t: Math.round(performance.now() - t0) / 1000,
          admittedTotal: s.admittedTotal,
          waiting: s.waiting,
          active: s.active,
          rate: s.currentAdmissionsPerSecond,
          roomActive: s.roomActive,
        });
      await sleep(everyMs);
    }
  })();
  return {
    samples,
    t0,
    async stop() {
      stopped = true;
      await loop;
      return samples;
    },
  };
}

/**
 * One traveller through the room: joins (before the opening: the pre-queue), checks in at the server's
 * pollAfterSeconds until admitted or sold out, and records what it was told. Bounded by `maxWaitMs` and
 * `maxPolls`. `place` collects: joinedAt, predicted waits, the first position after the opening, admittedAt.
 * Returns {status: 'admitted'|'sold-out'|'gave-up'|'refused', pass?, passExpiresAt?}.
 */
export async function throughRoom(client, rec, common, date, place, { at, maxWaitMs = 300_000, maxPolls = 400 }) {
  const deadline = performance.now() + maxWaitMs;
  let answer = null;
  for (let tries = 0; tries < 20 && performance.now() < deadline; tries += 1) {
    const j = await client.request({ ...common, method: 'POST', path: `/api/queue/sales/${date}/join`, body: {} });
    rec.record('queue-join', j);
    if (j.status === 200 || j.status === 201) {
      answer = j.body;
      break;
    }
    if (j.status === 409 && j.body?.code === 'SALE_CLOSED') return { status: 'refused', why: 'SALE_CLOSED' };
    if (j.status === 409 && j.body?.code === 'PHONE_ALREADY_QUEUED') return { status: 'refused', why: 'PHONE_ALREADY_QUEUED' };
    if (j.status === 429 || j.status === 503 || j.status === 0 || j.status >= 500) {
      rec.outcome(`retried: queue-join ${j.status}`);
      await sleep(retryAfterMs(j.headers, 1000));
      continue;
    }
    return { status: 'refused', why: `join ${j.status}` };
  }
  if (!answer) return { status: 'gave-up' };
  place.joinedAt ??= at();
  place.joins = (place.joins ?? 0) + 1;
  note(place, answer, at());
  for (let polls = 0; polls < maxPolls; polls += 1) {
    if (answer.status === 'admitted') {
      place.admittedAt ??= at();
      return { status: 'admitted', pass: answer.pass, passExpiresAt: answer.passExpiresAt };
    }
    if (answer.status === 'sold-out') {
      place.soldOutAt ??= at();
      return { status: 'sold-out' };
    }
    if (performance.now() > deadline) break;
    await sleep(Math.max(0.2, answer.pollAfterSeconds ?? 2) * 1000);
    const m = await client.request({ ...common, path: `/api/queue/sales/${date}/me` });
    rec.record('queue-me', m);
    if (m.status === 200) {
      answer = m.body;
      note(place, answer, at());
      continue;
    }
    if (m.status === 404 && m.body?.code === 'NOT_IN_QUEUE') {
      // Given up for a missed check-in (a slow generator can miss one): join again, as the page does.
      rec.outcome('room: lost place, joined again');
      place.lostPlace = (place.lostPlace ?? 0) + 1;
      return throughRoom(client, rec, common, date, place, {
        at,
        maxWaitMs: deadline - performance.now(),
        maxPolls: maxPolls - polls,
      });
    }
    if (m.status === 429 || m.status === 503 || m.status === 0 || m.status >= 500) {
      rec.outcome(`retried: queue-me ${m.status}`);
      await sleep(retryAfterMs(m.headers, 1000));
      continue;
    }
    return { status: 'refused', why: `check-in ${m.status}` };
  }
  return { status: 'gave-up' };
}

/** Keeps what the room said: the first answer (join), the first answer with a place after the opening. */
function note(place, a, t) {
  if (place.first === undefined)
    place.first = {
      t,
      status: a.status,
      preQueue: a.preQueue,
      estimatedWaitSeconds: a.estimatedWaitSeconds,
      position: a.position,
    };
  if (!a.preQueue && a.status === 'waiting' && a.position !== null && place.placed === undefined)
    place.placed = { t, position: a.position, ahead: a.ahead, estimatedWaitSeconds: a.estimatedWaitSeconds };
  if (a.status === 'admitted' && place.admittedAnswer === undefined)
    place.admittedAnswer = { t, passExpiresAt: a.passExpiresAt ?? null };
  place.polls = (place.polls ?? 0) + 1;
}

/** Leaves the room after shopping (frees an active shopper's slot); ignores a service without the route. */
export async function leaveRoom(client, rec, common, date) {
  const r = await client.request({ ...common, method: 'DELETE', path: `/api/queue/sales/${date}/me` });
  rec.record('queue-leave', r);
  return r.status;
}

const r2 = (v) => (v === null || v === undefined ? null : Math.round(v * 100) / 100);

/** Admitted-total at run time t (s), from the operator samples (step, the last sample at or before t). */
function admittedBefore(samples, t) {
  let lo = 0;
  let hi = samples.length - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (samples[mid].t <= t) {
      best = samples[mid].admittedTotal;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

/** Spearman's rank correlation of two equally long arrays (ties broken by index: fine for distinct positions). */
function spearman(xs, ys) {
  const rank = (a) => {
    const idx = a.map((v, i) => [v, i]).sort((p, q) => p[0] - q[0]);
    const r = new Array(a.length);
    idx.forEach(([, i], k) => (r[i] = k));
    return r;
  };
  const rx = rank(xs);
  const ry = rank(ys);
  const n = xs.length;
  if (n < 2) return null;
  let d2 = 0;
  for (let i = 0; i < n; i += 1) d2 += (rx[i] - ry[i]) ** 2;
  return 1 - (6 * d2) / (n * (n * n - 1));
}

/**
 * What a run's places say. `openingAt` is the opening in run seconds; `watchT0Offset` shifts the operator
 * samples' clock onto the run's; `pollSeconds` the check-in interval (the resolution of every admitted time).
 */
export function analyseRoom(places, { openingAt, samples = [], watchT0Offset = 0, pollSeconds = 2 }) {
  const shifted = samples.map((s) => ({ ...s, t: s.t + watchT0Offset }));
  const admitted = places.filter((p) => p.admittedAt !== undefined);
  const waits = admitted.map((p) => p.admittedAt - Math.max(openingAt, p.joinedAt ?? openingAt));
  // Predicted at the first check-in with a place (after the draw) vs the time it then took.
  const pred = admitted.filter((p) => p.placed && p.placed.estimatedWaitSeconds !== null);
  const errors = pred.map((p) => p.admittedAt - p.placed.t - p.placed.estimatedWaitSeconds);
  const absErr = errors.map(Math.abs);
  const within = (s) => (pred.length ? r2(pred.filter((p, i) => absErr[i] <= s + pollSeconds).length / pred.length) : null);
  const predictedAtJoin = places.filter(
    (p) => p.first?.estimatedWaitSeconds !== null && p.first?.estimatedWaitSeconds !== undefined,
  );
  // Place in the draw: position seen at the first placed check-in + those admitted before that moment.
  const ordered = admitted.filter((p) => p.placed);
  const drawn = ordered.map((p) => p.placed.position + admittedBefore(shifted, p.placed.t));
  const times = ordered.map((p) => p.admittedAt);
  // Out of order: admitted (as seen) earlier than someone drawn ahead of it by more than two check-ins.
  const byDraw = ordered.map((p, i) => [drawn[i], times[i]]).sort((a, b) => a[0] - b[0]);
  let maxSoFar = -Infinity;
  let outOfOrder = 0;
  for (const [, t] of byDraw) {
    if (t < maxSoFar - 2 * pollSeconds) outOfOrder += 1;
    if (t > maxSoFar) maxSoFar = t;
  }
  return {
    places: places.length,
    admitted: admitted.length,
    soldOutInRoom: places.filter((p) => p.soldOutAt !== undefined && p.admittedAt === undefined).length,
    lostPlaceAndRejoined: places.filter((p) => p.lostPlace).length,
    joinedBeforeOpening: places.filter((p) => p.joinedAt !== undefined && p.joinedAt < openingAt).length,
    preQueueAtJoin: places.filter((p) => p.first?.preQueue).length,
    waitSeconds: summarizeSeconds(waits),
    predictedAtJoin: {
      withEstimate: predictedAtJoin.length,
      seconds: summarizeSeconds(predictedAtJoin.map((p) => p.first.estimatedWaitSeconds)),
    },
    predictedAtOpening: {
      withEstimate: pred.length,
      predictedSeconds: summarizeSeconds(pred.map((p) => p.placed.estimatedWaitSeconds)),
      actualSeconds: summarizeSeconds(pred.map((p) => p.admittedAt - p.placed.t)),
      errorSeconds: summarizeSeconds(errors),
      absErrorSeconds: summarizeSeconds(absErr),
      shareWithin10s: within(10),
      shareWithin30s: within(30),
    },
    order: {
      compared: ordered.length,
      spearmanDrawVsAdmitted: r2(spearman(drawn, times) ?? NaN),
      outOfOrderBeyondTwoCheckIns: outOfOrder,
      note: 'place in the draw = position at the first check-in after the opening + the admitted total then (operator counters)',
    },
  };
}

function summarizeSeconds(values) {
  const s = summarize(values.filter((v) => Number.isFinite(v)));
  return { count: s.count, p50: r2(s.p50), p90: r2(percentileOf(values, 90)), p99: r2(s.p99), max: r2(s.max), mean: r2(s.mean) };
}

function percentileOf(values, p) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
}
