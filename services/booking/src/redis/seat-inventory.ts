/**
 * Live seat inventory in Redis: thin typed wrappers over the Lua scripts beside this file (`seat-hold.lua`,
 * ...; `common.lua` is prepended to each and documents the keys and their JSON structures, as does
 * README.md). The files are read once and defined with defineCommand, then called by SHA. Every key of a
 * trip shares the hash tag `{trip:N}`; the prefix stays outside it.
 */
import { readFileSync } from 'node:fs';
import { ServiceUnavailableError } from '@rail/errors';
import type { Redis } from '@rail/redis';

export type SeatState = 'H' | 'P' | 'C';

export interface TripKeys {
  loaded: string;
  seats: string;
  users: string;
  expiry: string;
  meta: string;
  layout: string;
  waitlist: string;
  wl: string;
  offers: string;
  channel: string;
  rebuildLock: string;
}

/** The data layout version in the key names (see common.lua: bumped whenever a stored structure changes). */
const LAYOUT = 'v2:';

export function tripKeys(prefix: string, tripId: number): TripKeys {
  const base = `${prefix}{trip:${tripId}}:`;
  return {
    loaded: base + LAYOUT + 'loaded',
    seats: base + LAYOUT + 'seats',
    users: base + LAYOUT + 'users',
    expiry: base + LAYOUT + 'expiry',
    meta: base + LAYOUT + 'meta',
    layout: base + LAYOUT + 'layout',
    waitlist: base + LAYOUT + 'waitlist',
    wl: base + LAYOUT + 'wl',
    offers: base + LAYOUT + 'offers',
    channel: base + 'seat-events',
    rebuildLock: base + 'rebuild-lock',
  };
}

/** Data keys of a trip (what a flush or a lost shard takes away). */
export function tripDataKeys(keys: TripKeys): string[] {
  return tripScriptKeys(keys);
}

/** The keys every seat-changing script takes, in common.lua's trip_keys order. */
export function tripScriptKeys(k: TripKeys): string[] {
  return [k.loaded, k.seats, k.users, k.expiry, k.meta, k.layout, k.waitlist, k.wl, k.offers];
}
const TRIP_KEYS = 9;

export type HoldResult =
  | { kind: 'held'; expiresAtMs: number; generation: string; nowMs: number; staleOverlap: boolean }
  | { kind: 'taken'; seatIds: number[] }
  | { kind: 'limit'; used: number }
  | { kind: 'not-loaded' };

export type AllocateResult =
  | { kind: 'held'; seatIds: number[]; expiresAtMs: number; generation: string; nowMs: number; staleOverlap: boolean }
  /** Fewer free seats of the class (and coach) than asked for over the segment. */
  | { kind: 'not-enough'; seatsLeft: number }
  /** Enough seats, but no row has them side by side (only when `together: 'yes'`). */
  | { kind: 'apart'; seatsLeft: number }
  | { kind: 'limit'; used: number }
  | { kind: 'not-loaded' }
  | { kind: 'no-layout' };

export type JoinResult =
  | { kind: 'joined' }
  | { kind: 'seats-free'; seatsLeft: number }
  | { kind: 'limit'; used: number }
  | { kind: 'duplicate' }
  | { kind: 'not-loaded' }
  | { kind: 'no-layout' };

/** One seat of a class layout as the scripts store it (common.lua: layout seat). */
export interface LayoutSeat {
  i: number;
  k: string;
  g: number;
  c: number;
  w: 0 | 1;
  a: 0 | 1;
}

/** A WAITING waitlist entry as Redis keeps it (and the rebuild loads it). */
export interface WaitlistEntry {
  waitlistId: string;
  seq: number;
  userId: string;
  count: number;
  class: string;
  mask: number;
  from: string;
  to: string;
  offerBookingId: string;
}

/** An offer Redis made that PostgreSQL has not recorded yet (the offers zset and the offer's meta). */
export interface PendingOffer {
  bookingId: string;
  offeredAtMs: number;
  /** Null when the offer's hold is gone (expired and swept) before it was recorded. */
  hold: {
    waitlistId: string;
    userId: string;
    seatIds: number[];
    mask: number;
    expiresAtMs: number;
    from: string;
    to: string;
  } | null;
}

export interface BookingEntry {
  bookingId: string;
  userId: string;
  seatIds: number[];
  mask: number;
  /** Epoch ms; 0 for a confirmed booking. */
  expiresAtMs: number;
  state: SeatState;
  from: string;
  to: string;
}

export interface SeatEntry {
  bookingId: string;
  mask: number;
  expiresAtMs: number;
  state: SeatState;
}

export interface TripSnapshot {
  nowMs: number;
  generation: string;
  /** Live entries only (expired holds are left out: they count as free). */
  seats: Map<number, SeatEntry[]>;
}

type Script = (...args: (string | number)[]) => Promise<unknown>;

const SCRIPTS = {
  bookingHold: { file: 'seat-hold.lua', keys: TRIP_KEYS },
  bookingAllocate: { file: 'seat-allocate.lua', keys: TRIP_KEYS },
  bookingRelease: { file: 'seat-release.lua', keys: TRIP_KEYS },
  bookingUpsert: { file: 'booking-upsert.lua', keys: 5 },
  bookingRebuild: { file: 'trip-rebuild.lua', keys: TRIP_KEYS },
  bookingSweep: { file: 'holds-sweep.lua', keys: TRIP_KEYS },
  bookingSnapshot: { file: 'trip-snapshot.lua', keys: 2 },
  waitlistJoin: { file: 'waitlist-join.lua', keys: TRIP_KEYS },
  waitlistRemove: { file: 'waitlist-remove.lua', keys: TRIP_KEYS },
  waitlistRequeue: { file: 'waitlist-requeue.lua', keys: TRIP_KEYS },
  waitlistOffer: { file: 'waitlist-offer.lua', keys: TRIP_KEYS },
} as const;
type ScriptName = keyof typeof SCRIPTS;

// tsc does not copy .lua files: like the SQL migrations, they are read from src/, which this resolves to
// both from src/redis/ (vitest, tsx) and from dist/redis/ (the built service; its image keeps src/).
const SCRIPT_DIR = new URL('../../src/redis/', import.meta.url);

let sources: Record<ScriptName, string> | undefined;

/** Each script's full source (common.lua, then the script's own file), read from disk once per process. */
function seatScriptSources(): Readonly<Record<ScriptName, string>> {
  if (!sources) {
    const read = (file: string): string => readFileSync(new URL(file, SCRIPT_DIR), 'utf8');
    const common = read('common.lua');
    sources = Object.fromEntries(
      Object.entries(SCRIPTS).map(([name, { file }]) => [name, `${common}\n-- ${file}\n${read(file)}`]),
    ) as Record<ScriptName, string>;
  }
  return sources;
}

/** A seat entry as the scripts store it (common.lua documents the structure). */
interface StoredSeatEntry {
  b: string;
  m: number;
  e: number;
  s: SeatState;
}

/** Decodes one seats-hash value (a JSON array of seat entries). */
export function parseSeatEntries(value: string): SeatEntry[] {
  // Written only by our own scripts, so the shape is trusted: no schema check on the availability path.
  const stored = JSON.parse(value) as StoredSeatEntry[];
  return stored.map((e) => ({ bookingId: e.b, mask: e.m, expiresAtMs: e.e, state: e.s }));
}

export interface SeatInventoryOptions {
  /** How long a waitlist offer's hold lasts (the traveller's payment window), ms. */
  offerTtlMs?: number;
}

/** Called when a script made waitlist offers, so PostgreSQL records them (waitlist offers.ts). */
export type OffersMadeHook = (tripId: number) => void;

export class SeatInventory {
  readonly prefix: string;
  readonly offerTtlMs: number;
  /** Set once by the service (createDeps); without it, the waitlist job records offers on its next run. */
  onOffers: OffersMadeHook | undefined;
  private readonly redis: Redis;
  private readonly scripts: Record<ScriptName, Script>;

  constructor(redis: Redis, prefix: string, options: SeatInventoryOptions = {}) {
    this.redis = redis;
    this.prefix = prefix;
    this.offerTtlMs = options.offerTtlMs ?? 600_000;
    const commands = redis as unknown as Record<string, Script>;
    const lua = seatScriptSources();
    for (const [name, { keys }] of Object.entries(SCRIPTS) as [ScriptName, { keys: number }][]) {
      if (typeof commands[name] !== 'function') redis.defineCommand(name, { lua: lua[name], numberOfKeys: keys });
    }
    // A Redis outage is a clear 503 ("try again shortly"), never a 500 or a hang (no offline queue).
    const guard =
      (fn: Script): Script =>
      (...args) =>
        fn(...args).catch((err: unknown) => {
          const error = new ServiceUnavailableError(
            'Seat inventory is unavailable; try again shortly',
            1,
            'INVENTORY_UNAVAILABLE',
          );
          throw Object.assign(error, { cause: err });
        });
    this.scripts = Object.fromEntries(Object.keys(SCRIPTS).map((name) => [name, guard(commands[name]!.bind(redis))])) as Record<
      ScriptName,
      Script
    >;
  }

  keys(tripId: number): TripKeys {
    return tripKeys(this.prefix, tripId);
  }

  private offered(tripId: number, offers: unknown): void {
    if (Number(offers) > 0) this.onOffers?.(tripId);
  }

  async hold(input: {
    tripId: number;
    bookingId: string;
    userId: string;
    seatIds: number[];
    mask: number;
    ttlMs: number;
    limit: number;
    from: string;
    to: string;
  }): Promise<HoldResult> {
    const k = this.keys(input.tripId);
    const reply = (await this.scripts.bookingHold(
      ...tripScriptKeys(k),
      input.bookingId,
      input.userId,
      input.mask,
      input.ttlMs,
      input.limit,
      input.tripId,
      input.from,
      input.to,
      k.channel,
      this.offerTtlMs,
      ...input.seatIds,
    )) as (string | number)[];
    switch (reply[0]) {
      case 'OK':
        this.offered(input.tripId, reply[5]);
        return {
          kind: 'held',
          expiresAtMs: Number(reply[1]),
          generation: String(reply[2]),
          nowMs: Number(reply[3]),
          staleOverlap: reply[4] === '1',
        };
      case 'TAKEN':
        this.offered(input.tripId, reply[1]);
        return { kind: 'taken', seatIds: reply.slice(2).map(Number) };
      case 'LIMIT':
        this.offered(input.tripId, reply[2]);
        return { kind: 'limit', used: Number(reply[1]) };
      case 'NOT_LOADED':
        return { kind: 'not-loaded' };
      default:
        throw new Error(`unexpected hold reply ${String(reply[0])}`);
    }
  }

  /** Chooses and holds `count` seats of a class in one step (seat-allocate.lua; common.lua's allocate()). */
  async allocate(input: {
    tripId: number;
    bookingId: string;
    userId: string;
    mask: number;
    ttlMs: number;
    limit: number;
    from: string;
    to: string;
    seatClass: string;
    count: number;
    together: 'yes' | 'no' | 'auto';
    preference: 'window' | 'aisle' | '';
    coach: string;
  }): Promise<AllocateResult> {
    const k = this.keys(input.tripId);
    const reply = (await this.scripts.bookingAllocate(
      ...tripScriptKeys(k),
      input.bookingId,
      input.userId,
      input.mask,
      input.ttlMs,
      input.limit,
      input.tripId,
      input.from,
      input.to,
      k.channel,
      this.offerTtlMs,
      input.seatClass,
      input.count,
      input.together,
      input.preference,
      input.coach,
    )) as (string | number)[];
    switch (reply[0]) {
      case 'OK':
        this.offered(input.tripId, reply[5]);
        return {
          kind: 'held',
          seatIds: reply.slice(6).map(Number),
          expiresAtMs: Number(reply[1]),
          generation: String(reply[2]),
          nowMs: Number(reply[3]),
          staleOverlap: reply[4] === '1',
        };
      case 'NOT_ENOUGH':
        this.offered(input.tripId, reply[2]);
        return { kind: 'not-enough', seatsLeft: Number(reply[1]) };
      case 'APART':
        this.offered(input.tripId, reply[2]);
        return { kind: 'apart', seatsLeft: Number(reply[1]) };
      case 'LIMIT':
        this.offered(input.tripId, reply[2]);
        return { kind: 'limit', used: Number(reply[1]) };
      case 'NOT_LOADED':
        return { kind: 'not-loaded' };
      case 'NO_LAYOUT':
        return { kind: 'no-layout' };
      default:
        throw new Error(`unexpected allocate reply ${String(reply[0])}`);
    }
  }

  /** Writes a trip's class layouts (immutable per trip: any replica may write them, any number of times). */
  async writeLayout(tripId: number, layouts: Map<string, LayoutSeat[]>): Promise<void> {
    if (layouts.size === 0) return;
    const fields = [...layouts].flatMap(([cls, seats]) => [cls, JSON.stringify(seats)]);
    await this.guarded(() => this.redis.hset(this.keys(tripId).layout, ...fields));
  }

  async release(tripId: number, entry: Pick<BookingEntry, 'bookingId' | 'userId' | 'seatIds' | 'from' | 'to'>): Promise<number> {
    const k = this.keys(tripId);
    const [freed, offers] = (await this.scripts.bookingRelease(
      ...tripScriptKeys(k),
      entry.bookingId,
      entry.userId,
      tripId,
      entry.from,
      entry.to,
      k.channel,
      this.offerTtlMs,
      ...entry.seatIds,
    )) as [number, number];
    this.offered(tripId, offers);
    return freed;
  }

  /** Writes a booking's state; with `unlessGeneration`, skipped when Redis still holds that generation. */
  async upsert(tripId: number, entry: BookingEntry, unlessGeneration = ''): Promise<boolean> {
    const k = this.keys(tripId);
    const written = (await this.scripts.bookingUpsert(
      k.loaded,
      k.seats,
      k.users,
      k.expiry,
      k.meta,
      unlessGeneration,
      entry.bookingId,
      entry.userId,
      entry.mask,
      entry.expiresAtMs,
      entry.state,
      tripId,
      entry.from,
      entry.to,
      k.channel,
      ...entry.seatIds,
    )) as number;
    return written === 1;
  }

  /** With the final batch, `waitlist` (the trip's WAITING entries) takes its places again. */
  async rebuildBatch(
    tripId: number,
    generation: string,
    entries: BookingEntry[],
    final: boolean,
    waitlist: WaitlistEntry[] = [],
  ): Promise<number> {
    const k = this.keys(tripId);
    // Only the fields of BookingEntry travel (callers may pass rows with more).
    const bookings = entries.map(({ bookingId, userId, seatIds, mask, expiresAtMs, state, from, to }) => ({
      bookingId,
      userId,
      seatIds,
      mask,
      expiresAtMs,
      state,
      from,
      to,
    }));
    return (await this.scripts.bookingRebuild(
      ...tripScriptKeys(k),
      generation,
      final ? 1 : 0,
      JSON.stringify(bookings),
      JSON.stringify(waitlist),
    )) as number;
  }

  async sweep(tripId: number, limit = 500): Promise<number> {
    const k = this.keys(tripId);
    const [swept, offers] = (await this.scripts.bookingSweep(
      ...tripScriptKeys(k),
      tripId,
      k.channel,
      limit,
      this.offerTtlMs,
    )) as [number, number];
    this.offered(tripId, offers);
    return swept;
  }

  // --- The waitlist (order and offers; PostgreSQL has the truth, waitlist-repo.ts) ---------------------

  async joinWaitlist(tripId: number, entry: WaitlistEntry, limit: number): Promise<JoinResult> {
    const k = this.keys(tripId);
    const reply = (await this.scripts.waitlistJoin(
      ...tripScriptKeys(k),
      entry.waitlistId,
      entry.userId,
      entry.count,
      entry.class,
      entry.mask,
      entry.from,
      entry.to,
      entry.offerBookingId,
      entry.seq,
      limit,
      tripId,
      k.channel,
      this.offerTtlMs,
    )) as (string | number)[];
    switch (reply[0]) {
      case 'OK':
        this.offered(tripId, reply[1]);
        return { kind: 'joined' };
      case 'SEATS_FREE':
        this.offered(tripId, reply[2]);
        return { kind: 'seats-free', seatsLeft: Number(reply[1]) };
      case 'LIMIT':
        this.offered(tripId, reply[2]);
        return { kind: 'limit', used: Number(reply[1]) };
      case 'DUPLICATE':
        this.offered(tripId, reply[1]);
        return { kind: 'duplicate' };
      case 'NOT_LOADED':
        return { kind: 'not-loaded' };
      case 'NO_LAYOUT':
        return { kind: 'no-layout' };
      default:
        throw new Error(`unexpected waitlist join reply ${String(reply[0])}`);
    }
  }

  /** Takes a WAITING entry off the line; true when it was there. */
  async removeFromWaitlist(tripId: number, waitlistId: string, userId: string): Promise<boolean> {
    const k = this.keys(tripId);
    return ((await this.scripts.waitlistRemove(...tripScriptKeys(k), waitlistId, userId)) as number) === 1;
  }

  /** Undoes an offer PostgreSQL did not record: its hold goes, the entry takes its place again. -> seats freed */
  async requeue(tripId: number, entry: WaitlistEntry): Promise<number> {
    const k = this.keys(tripId);
    const stored = {
      u: entry.userId,
      n: entry.count,
      c: entry.class,
      m: entry.mask,
      f: entry.from,
      t: entry.to,
      o: entry.offerBookingId,
    };
    return (await this.scripts.waitlistRequeue(
      ...tripScriptKeys(k),
      entry.waitlistId,
      entry.offerBookingId,
      entry.userId,
      entry.seq,
      JSON.stringify(stored),
      tripId,
      k.channel,
    )) as number;
  }

  /** Offers what is free to the waitlist now. -> offers made */
  async offerFree(tripId: number): Promise<number> {
    const k = this.keys(tripId);
    const made = (await this.scripts.waitlistOffer(...tripScriptKeys(k), tripId, k.channel, this.offerTtlMs)) as number;
    this.offered(tripId, made);
    return made;
  }

  /** Offers Redis made that PostgreSQL has not recorded yet, oldest first. */
  async pendingOffers(tripId: number, limit = 100): Promise<PendingOffer[]> {
    const k = this.keys(tripId);
    const flat = await this.guarded(() => this.redis.zrange(k.offers, 0, limit - 1, 'WITHSCORES'));
    if (flat.length === 0) return [];
    const ids: string[] = [];
    const scores: number[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      ids.push(flat[i]!);
      scores.push(Number(flat[i + 1]));
    }
    const [metas, expiries] = await this.guarded(() =>
      Promise.all([this.redis.hmget(k.meta, ...ids), Promise.all(ids.map((id) => this.redis.zscore(k.expiry, id)))]),
    );
    return ids.map((bookingId, i) => {
      const raw = metas[i];
      const expiry = expiries[i];
      if (!raw || expiry === null || expiry === undefined) return { bookingId, offeredAtMs: scores[i]!, hold: null };
      const m = JSON.parse(raw) as { m: number; f: string; t: string; s: number[]; u: string; w?: string };
      if (!m.w) return { bookingId, offeredAtMs: scores[i]!, hold: null };
      return {
        bookingId,
        offeredAtMs: scores[i]!,
        hold: { waitlistId: m.w, userId: m.u, seatIds: m.s, mask: m.m, expiresAtMs: Number(expiry), from: m.f, to: m.t },
      };
    });
  }

  async hasLayout(tripId: number): Promise<boolean> {
    return (await this.guarded(() => this.redis.exists(this.keys(tripId).layout))) === 1;
  }

  /** PostgreSQL recorded (or settled) the offer. */
  async offerRecorded(tripId: number, bookingId: string): Promise<void> {
    await this.guarded(() => this.redis.zrem(this.keys(tripId).offers, bookingId));
  }

  /** The trip's WAITING entries (waitlist ids) in line order. */
  async waitlistOrder(tripId: number): Promise<string[]> {
    return this.guarded(() => this.redis.zrange(this.keys(tripId).waitlist, 0, -1));
  }

  private async guarded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw Object.assign(
        new ServiceUnavailableError('Seat inventory is unavailable; try again shortly', 1, 'INVENTORY_UNAVAILABLE'),
        {
          cause: err,
        },
      );
    }
  }

  /** The trip's live seat entries, or null when Redis has lost the trip. */
  async snapshot(tripId: number): Promise<TripSnapshot | null> {
    const k = this.keys(tripId);
    const reply = (await this.scripts.bookingSnapshot(k.loaded, k.seats)) as string[];
    if (reply[0] === 'NOT_LOADED') return null;
    const nowMs = Number(reply[0]);
    const seats = new Map<number, SeatEntry[]>();
    for (let i = 2; i + 1 < reply.length; i += 2) {
      const live = parseSeatEntries(reply[i + 1]!).filter((e) => e.state === 'C' || e.expiresAtMs > nowMs);
      if (live.length > 0) seats.set(Number(reply[i]), live);
    }
    return { nowMs, generation: reply[1]!, seats };
  }

  /**
   * The trip's waitlist line as Redis keeps it (entries in order, with their stored fields) and the offers it made
   * that PostgreSQL has not recorded yet, read in one MULTI (the keys share the trip's hash tag): for the audit.
   */
  async waitlistLine(tripId: number): Promise<{ line: WaitlistEntry[]; unrecordedOffers: Set<string> }> {
    const k = this.keys(tripId);
    const replies = await this.guarded(() =>
      this.redis.multi().zrange(k.waitlist, 0, -1, 'WITHSCORES').hgetall(k.wl).zrange(k.offers, 0, -1).exec(),
    );
    const [order, stored, offers] = (replies ?? []).map(([err, value]) => {
      if (err) throw err;
      return value;
    }) as [string[], Record<string, string>, string[]];
    const line: WaitlistEntry[] = [];
    for (let i = 0; i + 1 < order.length; i += 2) {
      const waitlistId = order[i]!;
      const raw = stored[waitlistId];
      const e = raw ? (JSON.parse(raw) as { u: string; n: number; c: string; m: number; f: string; t: string; o: string }) : null;
      line.push({
        waitlistId,
        seq: Number(order[i + 1]),
        userId: e?.u ?? '',
        count: e?.n ?? 0,
        class: e?.c ?? '',
        mask: e?.m ?? 0,
        from: e?.f ?? '',
        to: e?.t ?? '',
        offerBookingId: e?.o ?? '',
      });
    }
    return { line, unrecordedOffers: new Set(offers) };
  }

  /** Trips that may have holds to sweep (kept in one small global set). */
  tripsKey(): string {
    return `${this.prefix}trips`;
  }

  async rememberTrip(tripId: number): Promise<void> {
    await this.redis.sadd(this.tripsKey(), tripId);
  }

  async knownTrips(): Promise<number[]> {
    return (await this.redis.smembers(this.tripsKey())).map(Number);
  }

  /** Lock for rebuilding a trip; the token is needed to release it. */
  async tryLock(tripId: number, token: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(this.keys(tripId).rebuildLock, token, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async unlock(tripId: number, token: string): Promise<void> {
    const key = this.keys(tripId).rebuildLock;
    await this.redis.eval(
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
      1,
      key,
      token,
    );
  }

  async isLoaded(tripId: number): Promise<boolean> {
    return (await this.redis.exists(this.keys(tripId).loaded)) === 1;
  }
}
