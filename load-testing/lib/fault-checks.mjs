// The fault suite's consistency checks, read straight from booking_db, payment_db and notification_db (psql) and
// through the API, for the bookings one case made. Each check answers { name, ok, detail }; the ones that depend on
// events still travelling (a payment confirming its booking, a refund, the outbox relay) are polled until they hold
// or the settle time is up, and then judged.
import { execFile } from 'node:child_process';
import { createClient, sleep } from './http.mjs';
import { doubleSold } from './system.mjs';

/** One JSON value from a query; the SQL goes on stdin (a case's id lists are too long for an argument). */
function psqlJson(db, sql) {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'psql',
      ['-h', process.env.PGHOST ?? '127.0.0.1', '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-At', '-f', '-'],
      { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`psql ${db}: ${(stderr || err.message).trim()}`));
        try {
          resolve(JSON.parse(stdout.trim()));
        } catch (e) {
          reject(e);
        }
      },
    );
    child.stdin.end(sql);
  });
}

const uuidArray = (ids) => `'{${ids.join(',')}}'::uuid[]`;

/** Bookings by id: status, amount, payment id. */
async function bookingRows(ids) {
  return psqlJson(
    'booking_db',
    `select coalesce(json_agg(json_build_object('id', id, 'status', status, 'amount', amount, 'paymentId', payment_id)), '[]')
       from bookings where id = any(${uuidArray(ids)})`,
  );
}

/** The payment side of those bookings: payments, attempts still pending, and what the provider kept. */
async function paymentRows(ids) {
  return psqlJson(
    'payment_db',
    `select json_build_object(
       'payments', (select coalesce(json_agg(json_build_object('id', id, 'bookingId', booking_id, 'status', status, 'amount', amount)), '[]')
                      from payments where booking_id = any(${uuidArray(ids)})),
       'pendingAttempts', (select count(*) from payment_attempts a join payments p on p.id = a.payment_id
                             where p.booking_id = any(${uuidArray(ids)}) and a.outcome = 'pending'),
       'kept', (select coalesce(json_object_agg(merchant_reference, kept), '{}') from (
                  select merchant_reference, sum(amount - refunded) kept, count(*) charges from mock_provider_charges
                   where outcome = 'succeeded' and merchant_reference = any(${uuidArray(ids)}::text[]) group by 1) k),
       'charges', (select coalesce(json_object_agg(merchant_reference, charges), '{}') from (
                  select merchant_reference, count(*) charges from mock_provider_charges
                   where outcome = 'succeeded' and merchant_reference = any(${uuidArray(ids)}::text[]) group by 1 having count(*) > 1) c))`,
  );
}

/** Events written more than once for one booking or payment, and events not yet relayed since `since`. */
async function outboxRows(db, ids, since) {
  return psqlJson(
    db,
    `select json_build_object(
       'duplicates', (select coalesce(json_agg(json_build_object('type', type, 'subject', subject, 'n', n)), '[]') from (
          select type, coalesce(envelope->'data'->>'paymentId', envelope->'data'->>'bookingId') subject, count(*) n from outbox
           where type in ('booking.confirmed', 'booking.cancelled', 'payment.succeeded', 'payment.refunded')
             and envelope->'data'->>'bookingId' = any(${uuidArray(ids)}::text[])
             and not (type = 'booking.cancelled' and envelope->'data'->>'paymentId' is null)
           group by 1, 2 having count(*) > 1) d),
       'unpublished', (select count(*) from outbox where published_at is null and occurred_at >= '${since.toISOString()}'))`,
  );
}

/** Polls `probe` (which answers { ok, detail }) until it holds or `settleMs` has passed; returns the last answer. */
async function settle(probe, settleMs) {
  const deadline = Date.now() + settleMs;
  for (;;) {
    let answer;
    try {
      answer = await probe();
    } catch (e) {
      answer = { ok: false, detail: `could not check: ${e.message}` };
    }
    if (answer.ok || Date.now() > deadline) return answer;
    await sleep(2000);
  }
}

/** The paid/refunded rule for one case's bookings. */
function paidRule(bookings, pay) {
  const byId = new Map(bookings.map((b) => [b.id, b]));
  const problems = [];
  for (const p of pay.payments) {
    const b = byId.get(p.bookingId);
    if (p.status === 'SUCCEEDED' && !(b?.status === 'CONFIRMED' && b.paymentId === p.id))
      problems.push(`payment ${p.id} SUCCEEDED, booking ${p.bookingId} is ${b?.status ?? 'missing'} and not refunded`);
  }
  for (const b of bookings) {
    if (b.status === 'CONFIRMED' && !pay.payments.some((p) => p.id === b.paymentId && p.status === 'SUCCEEDED'))
      problems.push(`booking ${b.id} CONFIRMED without a SUCCEEDED payment`);
    // Money the provider kept for this booking: the booking's amount when it is confirmed, nothing otherwise.
    const kept = Number(pay.kept[b.id] ?? 0);
    const owed = b.status === 'CONFIRMED' ? b.amount : 0;
    if (kept !== owed) problems.push(`booking ${b.id} (${b.status}, ${b.amount}): the provider kept ${kept}`);
  }
  if (Number(pay.pendingAttempts) > 0)
    problems.push(`${pay.pendingAttempts} payment attempts still pending (charge outcome unrecorded)`);
  return problems;
}

/**
 * Runs every check for one case.
 * @param {{bookings: Map<string, {bookingId: string, user: object}>, tripIds: number[], since: Date, settleMs: number}} o
 */
export async function runChecks({ bookings, tripIds, since, settleMs }) {
  const ids = [...bookings.keys()];
  const checks = [];
  const started = Date.now();

  const sold = await doubleSold(tripIds).catch((e) => ({ error: e.message }));
  checks.push({
    name: 'no seat-leg held or sold twice',
    ok: !sold.error && Number(sold.overlappingLivePairs) === 0,
    detail:
      sold.error ??
      `overlapping live pairs: ${sold.overlappingLivePairs} (live seats ${sold.liveSeats} on ${tripIds.length} trips)`,
  });

  if (ids.length === 0) {
    checks.push({ name: 'bookings were made', ok: false, detail: 'no select succeeded during the case' });
    return checks;
  }

  let rows = [];
  const paidFrom = Date.now();
  const paid = await settle(async () => {
    rows = await bookingRows(ids);
    const pay = await paymentRows(ids);
    const problems = paidRule(rows, pay);
    const refunded = pay.payments.filter((p) => p.status === 'REFUNDED').length;
    const succeeded = pay.payments.filter((p) => p.status === 'SUCCEEDED').length;
    const doubleCharged = Object.keys(pay.charges).length;
    return {
      ok: problems.length === 0,
      detail:
        `${succeeded} paid + ${refunded} refunded of ${pay.payments.length} payments for ${ids.length} bookings; ` +
        `the provider kept exactly each CONFIRMED booking's amount and nothing for the others` +
        (doubleCharged ? ` (${doubleCharged} bookings charged twice, refunded)` : '') +
        (problems.length ? `; PROBLEMS (${problems.length}): ${problems.slice(0, 4).join('; ')}` : ''),
    };
  }, settleMs);
  checks.push({
    name: 'every paid booking CONFIRMED or refunded (provider ledger agrees)',
    ...paid,
    seconds: Math.round((Date.now() - paidFrom) / 1000),
  });

  const drained = await settle(
    async () => {
      const [b, p] = await Promise.all([outboxRows('booking_db', ids, since), outboxRows('payment_db', ids, since)]);
      const dup = [...b.duplicates, ...p.duplicates];
      return {
        ok: dup.length === 0 && Number(b.unpublished) === 0 && Number(p.unpublished) === 0,
        dup,
        detail:
          `events written twice for one booking/payment: ${dup.length}` +
          (dup.length
            ? ` (${dup
                .slice(0, 3)
                .map((d) => `${d.type} ${d.subject} x${d.n}`)
                .join(', ')})`
            : '') +
          `; unrelayed outbox events: booking ${b.unpublished}, payment ${p.unpublished}`,
      };
    },
    Math.max(0, settleMs - (Date.now() - started)),
  );
  checks.push({ name: 'no event applied twice; outboxes relayed', ok: drained.ok, detail: drained.detail });

  // E-tickets: every CONFIRMED booking's ticket answers 200 to its owner (re-issued on read when the row is missing).
  rows = await bookingRows(ids).catch(() => rows);
  const confirmed = rows.filter((b) => b.status === 'CONFIRMED').map((b) => b.id);
  let stored = { n: 0 };
  if (confirmed.length) {
    stored = await psqlJson(
      'notification_db',
      `select json_build_object('n', count(*)) from tickets where status = 'issued' and booking_id = any(${uuidArray(confirmed)})`,
    ).catch((e) => ({ n: `? (${e.message})` }));
  }
  const client = createClient({ maxSockets: 8, timeoutMs: 10_000 });
  const failed = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < confirmed.length) {
        const id = confirmed[next++];
        const { user } = bookings.get(id);
        let r;
        for (let attempt = 0; attempt < 5; attempt += 1) {
          r = await client.request({ path: `/api/notifications/tickets/${id}`, token: user.token, xff: user.xff });
          if (r.status === 200 || (r.status !== 429 && r.status !== 503 && r.status !== 404 && r.status !== 0)) break;
          await sleep(1000);
        }
        if (r.status !== 200 || r.body?.bookingId !== id) failed.push(`${id}: ${r.status} ${r.body?.code ?? ''}`);
      }
    }),
  );
  client.close();
  checks.push({
    name: 'every CONFIRMED booking has its e-ticket',
    ok: failed.length === 0,
    detail:
      `${confirmed.length - failed.length}/${confirmed.length} tickets answered 200 to their owner; ${stored.n} were in notification_db before the read` +
      (failed.length ? `; FAILED: ${failed.slice(0, 4).join(', ')}` : ''),
  });
  return checks;
}
