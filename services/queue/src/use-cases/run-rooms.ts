/**
 * The admission job: one leader (a Redis lease) runs every room each tick. Per sale: draw the pre-queue at the
 * opening, refresh seats left every few seconds, decide whether the room is active (room.ts), then one
 * room-tick.lua step (expire passes, drop stalled places, sold out, admit min(rate x dt, cap - active) from the
 * head). Booking's load is sampled every few seconds: the admission rate adapts to it and sustained overload
 * switches rooms on for every date on sale.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '@rail/logger';
import type { BookingLoadSampler } from '../clients/booking-load.js';
import type { SeatsSource } from '../clients/seats-source.js';
import type { QueueDeps } from '../deps.js';
import {
  adaptFactor,
  judgeLoad,
  nextSaturation,
  openingSpreadSeconds,
  pollAfterSeconds,
  type BookingLoad,
  type LoadThresholds,
  type SaturationState,
} from '../domain/admission.js';
import { decideRoom, effectiveSettings } from '../domain/room.js';
import { datesOnSale, datesOpeningBetween, isPast } from '../domain/sale-calendar.js';
import { cryptoRandomInt, shuffle, type RandomInt } from '../domain/shuffle.js';
import { reasonOf } from './read-sale.js';

export interface RoomsJobOptions {
  deps: QueueDeps;
  seats: SeatsSource;
  load: BookingLoadSampler | null;
  thresholds: LoadThresholds;
  saturationSamples: number;
  calmSamples: number;
  tickMs: number;
  seatsRefreshMs: number;
  loadSampleMs: number;
  /** How long an admitted shopper is expected to hold a slot, until the room has measured it (the waits' estimate). */
  expectedShoppingSeconds: number;
  /** The draw's randomness (seeded in tests). */
  random?: RandomInt;
  logger: Logger;
}

export interface RoomsJob {
  /** One tick; false when another process leads. */
  run(): Promise<boolean>;
  /** The rate factor (0.1..1) and saturation now (tests, metrics). */
  state(): { factor: number; saturation: SaturationState; lastLoad: BookingLoad | null };
}

export function createRoomsJob(o: RoomsJobOptions): RoomsJob {
  const { deps } = o;
  const token = randomUUID();
  const random = o.random ?? cryptoRandomInt;
  const leaseMs = Math.max(5_000, o.tickMs * 10);
  let factor = 1;
  let saturation: SaturationState = { saturated: false, overloadedRun: 0, calmRun: 0 };
  let lastLoad: BookingLoad | null = null;
  let lastLoadAt = 0;
  const seatsAt = new Map<string, number>();

  const sampleLoad = async (now: number): Promise<void> => {
    if (!o.load || now - lastLoadAt < o.loadSampleMs) return;
    lastLoadAt = now;
    lastLoad = await o.load.sample();
    const verdict = judgeLoad(lastLoad, o.thresholds);
    factor = adaptFactor(factor, verdict);
    const before = saturation.saturated;
    saturation = nextSaturation(saturation, verdict, o.saturationSamples, o.calmSamples);
    if (saturation.saturated !== before) {
      o.logger.warn({ load: lastLoad, saturated: saturation.saturated }, 'booking saturation changed');
    }
  };

  const seatsFor = async (date: string, now: number): Promise<number | null> => {
    if (now - (seatsAt.get(date) ?? 0) < o.seatsRefreshMs) return null;
    seatsAt.set(date, now);
    try {
      return await o.seats.seatsLeft(date);
    } catch (err) {
      o.logger.warn({ err, date }, 'seats left unknown; keeping the last');
      return null;
    }
  };

  const runSale = async (date: string, now: number, onSale: Set<string>): Promise<void> => {
    const { store } = deps;
    const snap = await store.read(date);
    const settings = effectiveSettings(date, snap.room, deps.defaults);
    const hasState = Object.keys(snap.room).length > 0;
    const decision = decideRoom({
      nowMs: now,
      settings,
      saturated: saturation.saturated && onSale.has(date),
      wasActive: snap.room.active === '1',
      wasReason: reasonOf(snap.room.reason),
      drained: snap.room.drained === '1',
      waiting: snap.queued + snap.preQueued,
      soldOut: snap.room.soldOut === '1',
    });
    if (!decision.active && !hasState) return;
    if (decision.active && now >= settings.opensAtMs && snap.room.shuffled !== '1') {
      const drawn = shuffle(await store.preQueue(date), random);
      // The places' first check-ins after the opening are spread (place.ts); admission waits until they are over.
      const most = pollAfterSeconds(Number.MAX_SAFE_INTEGER, deps.checkinGraceSeconds);
      const spread = openingSpreadSeconds(drawn.length, most, deps.openingCheckinsPerSecond);
      const placed = await store.open(date, drawn, now + spread * 1000);
      if (placed >= 0) o.logger.info({ date, placed, admitFromSeconds: spread }, 'sale opened: pre-queue drawn');
    }
    const seatsLeft = decision.active || hasState ? await seatsFor(date, now) : null;
    // The step and the cross-sale set of active rooms are independent writes: sent together, one round trip.
    await Promise.all([
      store.tick(date, {
        nowMs: now,
        graceMs: deps.checkinGraceSeconds * 1000,
        active: decision.active,
        reason: decision.reason ?? '',
        rate: settings.admissionsPerSecond * factor,
        activeShoppers: settings.activeShoppers,
        passTtlMs: deps.passTtlSeconds * 1000,
        seatsLeft,
        maxStepMs: Math.max(o.tickMs * 4, 1_000),
        turnoverGuess: 1 / o.expectedShoppingSeconds,
      }),
      store.setRoomActive(date, decision.active, now),
    ]);
    if (decision.drainedNow) await store.writeSettings(date, { drained: '1' });
    else if (decision.active && !hasState) await store.remember(date);
  };

  return {
    async run() {
      // Asked together (one round trip); a follower drops the list.
      const [leads, known] = await Promise.all([deps.store.lead(token, leaseMs), deps.store.knownSales()]);
      if (!leads) return false;
      const now = deps.now();
      await sampleLoad(now);
      const rule = deps.defaults.rule;
      const onSale = new Set(datesOnSale(now, rule));
      const dates = new Set(known);
      const lookAhead = rule.roomOpensMinutesBefore * 60_000 + o.tickMs;
      for (const d of datesOpeningBetween(now - 60_000, now + lookAhead, rule)) dates.add(d);
      if (saturation.saturated) for (const d of onSale) dates.add(d);
      // The sales are independent (one hash tag each): stepped together, so their commands share round trips
      // (a saturation room for every date on sale was eleven sales one after another, every tick). One that fails
      // does not hold the others back; the first failure is reported once all are done.
      const outcomes = await Promise.allSettled(
        [...dates].map((date) => (isPast(date, now, rule.timeZone) ? deps.store.forget(date) : runSale(date, now, onSale))),
      );
      const failed = outcomes.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      return true;
    },
    state: () => ({ factor, saturation, lastLoad }),
  };
}
