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
    channel: base + 'seat-events',
    rebuildLock: base + 'rebuild-lock',
  };
}

/** Data keys of a trip (what a flush or a lost shard takes away). */
export function tripDataKeys(keys: TripKeys): string[] {
  return [keys.loaded, keys.seats, keys.users, keys.expiry, keys.meta];
}

export type HoldResult =
  | { kind: 'held'; expiresAtMs: number; generation: string; nowMs: number; staleOverlap: boolean }
  | { kind: 'taken'; seatIds: number[] }
  | { kind: 'limit'; used: number }
  | { kind: 'not-loaded' };

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
  bookingHold: { file: 'seat-hold.lua', keys: 5 },
  bookingRelease: { file: 'seat-release.lua', keys: 4 },
  bookingUpsert: { file: 'booking-upsert.lua', keys: 5 },
  bookingRebuild: { file: 'trip-rebuild.lua', keys: 5 },
  bookingSweep: { file: 'holds-sweep.lua', keys: 4 },
  bookingSnapshot: { file: 'trip-snapshot.lua', keys: 2 },
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

export class SeatInventory {
  readonly prefix: string;
  private readonly redis: Redis;
  private readonly scripts: Record<ScriptName, Script>;

  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.prefix = prefix;
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
      k.loaded,
      k.seats,
      k.users,
      k.expiry,
      k.meta,
      input.bookingId,
      input.userId,
      input.mask,
      input.ttlMs,
      input.limit,
      input.tripId,
      input.from,
      input.to,
      k.channel,
      ...input.seatIds,
    )) as string[];
    switch (reply[0]) {
      case 'OK':
        return {
          kind: 'held',
          expiresAtMs: Number(reply[1]),
          generation: reply[2]!,
          nowMs: Number(reply[3]),
          staleOverlap: reply[4] === '1',
        };
      case 'TAKEN':
        return { kind: 'taken', seatIds: reply.slice(1).map(Number) };
      case 'LIMIT':
        return { kind: 'limit', used: Number(reply[1]) };
      case 'NOT_LOADED':
        return { kind: 'not-loaded' };
      default:
        throw new Error(`unexpected hold reply ${String(reply[0])}`);
    }
  }

  async release(tripId: number, entry: Pick<BookingEntry, 'bookingId' | 'userId' | 'seatIds' | 'from' | 'to'>): Promise<number> {
    const k = this.keys(tripId);
    return (await this.scripts.bookingRelease(
      k.seats,
      k.users,
      k.expiry,
      k.meta,
      entry.bookingId,
      entry.userId,
      tripId,
      entry.from,
      entry.to,
      k.channel,
      ...entry.seatIds,
    )) as number;
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

  async rebuildBatch(tripId: number, generation: string, entries: BookingEntry[], final: boolean): Promise<number> {
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
      k.loaded,
      k.seats,
      k.users,
      k.expiry,
      k.meta,
      generation,
      final ? 1 : 0,
      JSON.stringify(bookings),
    )) as number;
  }

  async sweep(tripId: number, limit = 500): Promise<number> {
    const k = this.keys(tripId);
    return (await this.scripts.bookingSweep(k.seats, k.users, k.expiry, k.meta, tripId, k.channel, limit)) as number;
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
