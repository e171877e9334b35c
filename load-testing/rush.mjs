// The sales-opening rush (see lib/rush.mjs): 10,000 users, the 1,375 seats of one day. By default through the
// waiting room (issue 11): the room of the rush's date is scheduled to open `--opens-in` seconds after the start,
// everyone joins before it, checks in and buys when admitted; 80 % of the travellers use "pick for me", sold-out
// travellers may join the waitlist, a few holders cancel or let the hold lapse (issue 12). `--classic` is the
// rush of before (no room, the room of the date switched off, everyone on the seat map, no waitlist, everyone
// pays). Prints and saves throughput, latency, outcomes, time to sold out, the room's and the waitlist's figures
// and the double-sell check. Exits non-zero on any 5xx or double-sold seat.
// Usage: node load-testing/rush.mjs [--users 10000] [--ramp 3] [--connections 1500] [--no-pay]
//   [--no-room] [--opens-in S] [--active-shoppers N (1000)] [--admissions-per-second N (50)] [--room-max-wait S]
//   [--pick-share 0.8] [--waitlist-share 0.3] [--cancel-share 0.03] [--lapse-share 0.02] [--classic]
import { parseArgs } from 'node:util';
import { loadTokens } from './lib/system.mjs';
import { roomDoneWhen, runRush, rushFailures } from './lib/rush.mjs';
import { keyValueTable, requestTable, saveResult } from './lib/report.mjs';
import { gatewayTable } from './lib/gateway-log.mjs';
import { cpuPerRequest } from './lib/monitor.mjs';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '10000' },
    ramp: { type: 'string' },
    connections: { type: 'string', default: '1500' },
    'max-attempts': { type: 'string', default: '25' },
    'no-pay': { type: 'boolean', default: false },
    'map-refresh-after': { type: 'string', default: '5' },
    'no-room': { type: 'boolean', default: false },
    'opens-in': { type: 'string' },
    'active-shoppers': { type: 'string' },
    'admissions-per-second': { type: 'string' },
    'room-max-wait': { type: 'string', default: '600' },
    'pick-share': { type: 'string' },
    'waitlist-share': { type: 'string' },
    'cancel-share': { type: 'string' },
    'lapse-share': { type: 'string' },
    'waitlist-max-wait': { type: 'string', default: '600' },
    'max-day-offset': { type: 'string', default: '10' },
    'min-free-share': { type: 'string', default: '1' },
    classic: { type: 'boolean', default: false },
    name: { type: 'string', default: 'rush' },
  },
});

const classic = values.classic;
const withRoom = !classic && !values['no-room'];
const share = (name, dflt) => {
  const v = values[name] === undefined ? (classic ? 0 : dflt) : Number(values[name]);
  if (!(v >= 0 && v <= 1)) throw new Error(`--${name} must be a share from 0 to 1`);
  return v;
};
const rampSeconds = Number(values.ramp ?? (withRoom ? 10 : 3));
const opensIn = Number(values['opens-in'] ?? rampSeconds + 5);
if (withRoom && opensIn <= rampSeconds)
  throw new Error('--opens-in must leave the ramp before the opening: everyone joins first');

const users = loadTokens(Number(values.users)).slice(0, Number(values.users));
const result = await runRush({
  users,
  rampSeconds,
  connections: Number(values.connections),
  maxAttempts: Number(values['max-attempts']),
  pay: !values['no-pay'],
  mapRefreshAfter: Number(values['map-refresh-after']),
  room: withRoom
    ? {
        opensInSeconds: opensIn,
        // Always explicit (the queue service's defaults unless given): an operator's earlier PUT for the date keeps
        // its capacity in Redis, and a run must not inherit another test's 50 shoppers at 1 a second.
        activeShoppers: Number(values['active-shoppers'] ?? 1000),
        admissionsPerSecond: Number(values['admissions-per-second'] ?? 50),
        maxWaitSeconds: Number(values['room-max-wait']),
      }
    : null,
  roomOff: !withRoom,
  pickShare: share('pick-share', 0.8),
  waitlistShare: share('waitlist-share', 0.3),
  cancelShare: share('cancel-share', 0.03),
  lapseShare: share('lapse-share', 0.02),
  waitlistMaxSeconds: Number(values['waitlist-max-wait']),
  maxDayOffset: Number(values['max-day-offset']),
  minFreeShare: Number(values['min-free-share']),
});
const problems = rushFailures(result);
const doneWhen = withRoom ? roomDoneWhen(result) : null;
const p = result.params;
const r = result.rush;
const room = result.room;
const requests = Object.values(result.summary.requests).reduce((a, b) => a + b.count, 0);
const cpu = result.system?.cpu ? cpuPerRequest(result.system.cpu, requests) : null;
const sel = r.selects;
const shareOf = (k) => (sel[k] ? `${sel[k].won} / ${sel[k].sent} (${Math.round(sel[k].share * 100)} %)` : '-');
const since = withRoom ? 'since the opening' : 'since the start';
const md = `# Sales-opening rush (${p.users} users over ${p.rampSeconds} s, ${p.seatsFree} seats of ${p.date}, ${withRoom ? `waiting room on, opening at +${r.openingAt} s` : 'waiting room off'})

${keyValueTable({
  command: `node load-testing/rush.mjs ${process.argv.slice(2).join(' ')}`.trim(),
  'travellers: pick-for-me / waitlist / cancel / lapse share': `${p.pickShare} / ${p.waitlistShare} / ${p.cancelShare} / ${p.lapseShare}`,
  'wall time (s)': result.summary.durationSeconds,
  'requests/s (all)': result.summary.total.rps,
  'select p50 / p99 / p99.9 (ms)': `${result.summary.requests.select?.p50} / ${result.summary.requests.select?.p99} / ${result.summary.requests.select?.p999}`,
  'seats held / paid / confirmed (client)': `${r.seatsHeld} / ${r.seatsPaid} / ${r.seatsConfirmed}`,
  [`every free seat held after (s, ${since})`]: r.allHeldAfterSeconds ?? 'not reached',
  [`every free seat paid after (s, ${since})`]: r.soldOutPaidSeconds ?? 'not reached',
  [`every free seat CONFIRMED after (s, ${since})`]: r.soldOutThroughPaymentSeconds ?? 'not reached',
  'selects won while seats remained: all / pick-for-me / seat map': `${shareOf('whileSeatsRemain.all')} / ${shareOf('whileSeatsRemain.pick')} / ${shareOf('whileSeatsRemain.seats')}`,
  'selects lost while seats remained, by answer': sel.lostWhileSeatsRemainBy,
  'seat map age on arrival p50 / p99 (ms): at least .. at most': r.seatMapAgeMs
    ? `${r.seatMapAgeMs.atLeast.p50} .. ${r.seatMapAgeMs.atMost.p50} / ${r.seatMapAgeMs.atLeast.p99} .. ${r.seatMapAgeMs.atMost.p99} (${r.seatMapAgeMs.atLeast.count} maps)`
    : '-',
  'holds paid / cancelled / lapsed (seats cancelled, lapsed)': `${r.holds.pay} / ${r.holds.cancel} / ${r.holds.lapse} (${r.holds.seatsCancelled}, ${r.holds.seatsLapsed})`,
  'waitlist: joined / offers (seats) / confirmed from it (seats) / left unserved': `${r.waitlist.joined} / ${r.waitlist.offers} (${r.waitlist.seatsOffered}) / ${r.waitlist.confirmedFromWaitlist} (${r.waitlist.seatsConfirmedFromWaitlist}) / ${r.waitlist.leftUnserved}`,
  'waitlist: freed seat -> offer seen (s)': r.waitlist.freedToOfferSeconds,
  'waitlist: join -> offer, offer -> CONFIRMED (s)': `${JSON.stringify(r.waitlist.joinToOfferSeconds)} ${JSON.stringify(r.waitlist.offerToConfirmedSeconds)}`,
  'waitlist refused': r.waitlist.refused,
  '5xx or unanswered': result.summary.total.errors,
  'double-sold (client side)': r.clientSideDoubleSold,
  'booking_db check': r.db,
  'user outcomes': result.summary.outcomes,
  'system CPU per request (ms), CPU-s by process': cpu
    ? `${cpu.msPerRequest} over ${requests} requests; ${JSON.stringify(cpu.byProcess)}`
    : 'n/a',
})}
${
  withRoom
    ? `
The waiting room (every figure from the travellers' own answers; times in seconds):

${keyValueTable({
  'places / joined before the opening / in the pre-queue at join': `${room.places} / ${room.joinedBeforeOpening} / ${room.preQueueAtJoin}`,
  'admitted / told sold out in the room / lost a place and joined again': `${room.admitted} / ${room.soldOutInRoom} / ${room.lostPlaceAndRejoined}`,
  'time spent waiting, opening -> admitted': room.waitSeconds,
  'predicted wait at join': room.predictedAtJoin,
  'predicted wait at the first check-in after the opening': room.predictedAtOpening.predictedSeconds,
  'actual wait from that check-in': room.predictedAtOpening.actualSeconds,
  'actual - predicted': room.predictedAtOpening.errorSeconds,
  'share within 10 s / 30 s (+ one check-in)': `${room.predictedAtOpening.shareWithin10s} / ${room.predictedAtOpening.shareWithin30s}`,
  'admission order vs the draw': room.order,
  'room settings': room.setup?.settings,
  'room at the end': room.atEnd,
})}

Issue 11's done-when for this run: ${doneWhen.length ? `**missed**: ${doneWhen.join('; ')}` : '**met** (0 5xx, 0 double-sold, every seat CONFIRMED, select p99 <= 300 ms)'}
`
    : `\nWaiting room: ${JSON.stringify(room)}\n`
}
As the load generator saw it (one Node process on the same cores as the system: its own queueing is included):

${requestTable(result.summary.requests)}

As the gateway saw it (nginx's request time, from the access log of the run's window):

${gatewayTable(result.gateway)}

${problems.length ? `FAILED:\n${problems.map((x) => `- ${x}`).join('\n')}` : 'PASSED: zero 5xx, zero double-sold seats.'}
`;
saveResult(values.name, { ...result, command: process.argv.slice(2) }, md);
if (problems.length) process.exit(1);
