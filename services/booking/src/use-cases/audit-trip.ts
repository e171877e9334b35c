/**
 * Compares a trip's live inventory in Redis with PostgreSQL's active bookings and lists every difference:
 * a booking missing from Redis (it could be double-sold there, though PostgreSQL would refuse it), an entry
 * Redis has that PostgreSQL does not (a hold mid-write, or a leak), or a mismatch of legs or state. And the
 * waitlist: Redis's line against PostgreSQL's WAITING entries (an entry out of line would never be offered
 * seats; one Redis has and PostgreSQL does not would be offered seats nobody records), in order and fields.
 * An entry Redis has just offered seats to, before PostgreSQL records the offer, is in transit, not a difference.
 */
import { activeEntries } from '../db/bookings-repo.js';
import { waitingEntries } from '../db/waitlist-repo.js';
import type { BookingDeps } from '../deps.js';

export interface AuditDifference {
  kind:
    | 'missing-in-redis'
    | 'extra-in-redis'
    | 'mismatch'
    | 'redis-double-hold'
    | 'not-loaded'
    | 'waitlist-missing-in-redis'
    | 'waitlist-extra-in-redis'
    | 'waitlist-mismatch';
  seatId?: number;
  bookingId?: string;
  waitlistId?: string;
  detail: string;
}

export async function auditTrip(deps: Pick<BookingDeps, 'pool' | 'seats'>, tripId: number): Promise<AuditDifference[]> {
  const [snapshot, entries, waiting] = await Promise.all([
    deps.seats.snapshot(tripId),
    activeEntries(deps.pool, tripId),
    waitingEntries(deps.pool, tripId),
  ]);
  if (!snapshot) {
    return entries.length > 0 || waiting.length > 0
      ? [{ kind: 'not-loaded', detail: `Redis has no inventory for trip ${tripId} (rebuilt on next use)` }]
      : [];
  }
  const differences: AuditDifference[] = [];
  const expected = new Map<string, { mask: number; state: string }>();
  for (const e of entries) {
    // Holds that end within the audit's own round trip are not worth reporting.
    if (e.state !== 'C' && e.expiresAtMs <= snapshot.nowMs + 50) continue;
    for (const seatId of e.seatIds) expected.set(`${seatId}|${e.bookingId}`, { mask: e.mask, state: e.state });
  }
  for (const [seatId, live] of snapshot.seats) {
    for (let i = 0; i < live.length; i++) {
      for (let j = i + 1; j < live.length; j++) {
        if ((live[i]!.mask & live[j]!.mask) !== 0) {
          differences.push({
            kind: 'redis-double-hold',
            seatId,
            detail: `seat ${seatId}: ${live[i]!.bookingId} and ${live[j]!.bookingId} overlap`,
          });
        }
      }
      const e = live[i]!;
      const key = `${seatId}|${e.bookingId}`;
      const want = expected.get(key);
      if (!want)
        differences.push({
          kind: 'extra-in-redis',
          seatId,
          bookingId: e.bookingId,
          detail: `seat ${seatId}: Redis has ${e.bookingId}, PostgreSQL does not`,
        });
      else if (want.mask !== e.mask || want.state !== e.state) {
        differences.push({
          kind: 'mismatch',
          seatId,
          bookingId: e.bookingId,
          detail: `seat ${seatId} ${e.bookingId}: Redis mask ${e.mask} state ${e.state}, PostgreSQL mask ${want.mask} state ${want.state}`,
        });
      }
      expected.delete(key);
    }
  }
  for (const [key] of expected) {
    const [seatId, bookingId] = key.split('|');
    differences.push({
      kind: 'missing-in-redis',
      seatId: Number(seatId),
      bookingId: bookingId!,
      detail: `seat ${seatId}: PostgreSQL has ${bookingId}, Redis does not`,
    });
  }
  differences.push(...(await auditWaitlist(deps, tripId, waiting)));
  return differences;
}

async function auditWaitlist(
  deps: Pick<BookingDeps, 'seats'>,
  tripId: number,
  waiting: Awaited<ReturnType<typeof waitingEntries>>,
): Promise<AuditDifference[]> {
  const { line, unrecordedOffers } = await deps.seats.waitlistLine(tripId);
  const differences: AuditDifference[] = [];
  const inRedis = new Map(line.map((e) => [e.waitlistId, e]));
  const inPostgres = new Set(waiting.map((w) => w.waitlistId));
  for (const want of waiting) {
    const got = inRedis.get(want.waitlistId);
    if (!got) {
      if (!unrecordedOffers.has(want.offerBookingId))
        differences.push({
          kind: 'waitlist-missing-in-redis',
          waitlistId: want.waitlistId,
          detail: `waitlist ${want.waitlistId} (seq ${want.seq}) is WAITING in PostgreSQL and not in Redis's line`,
        });
      continue;
    }
    const fields = ['seq', 'userId', 'count', 'class', 'mask', 'from', 'to', 'offerBookingId'] as const;
    const differ = fields.filter((f) => got[f] !== want[f]);
    if (differ.length > 0)
      differences.push({
        kind: 'waitlist-mismatch',
        waitlistId: want.waitlistId,
        detail: `waitlist ${want.waitlistId}: ${differ.map((f) => `${f} Redis ${String(got[f])}, PostgreSQL ${String(want[f])}`).join('; ')}`,
      });
  }
  for (const e of line) {
    if (!inPostgres.has(e.waitlistId))
      differences.push({
        kind: 'waitlist-extra-in-redis',
        waitlistId: e.waitlistId,
        detail: `waitlist ${e.waitlistId} is in Redis's line and not WAITING in PostgreSQL`,
      });
  }
  return differences;
}
