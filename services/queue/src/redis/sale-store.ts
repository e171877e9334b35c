/**
 * A sale's waiting room in Redis: thin typed wrappers over the Lua scripts beside this file (common.lua documents
 * the keys and their structures and is prepended to each sale script). The files are read once and defined with
 * defineCommand, then called by SHA. Every key of a sale shares the hash tag `{sale:YYYY-MM-DD}`; the prefix
 * stays outside it. Two keys span sales (so they are outside any tag and written by single commands): the index
 * of known sales and the set of active rooms that GET /internal/rooms/active answers from.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from '@rail/redis';

export interface SaleKeys {
  room: string;
  pre: string;
  queue: string;
  checkin: string;
  active: string;
  places: string;
  phones: string;
  passes: string;
  ended: string;
}

export function saleKeys(prefix: string, date: string): SaleKeys {
  const base = `${prefix}{sale:${date}}:`;
  return {
    room: base + 'room',
    pre: base + 'pre',
    queue: base + 'queue',
    checkin: base + 'checkin',
    active: base + 'active',
    places: base + 'places',
    phones: base + 'phones',
    passes: base + 'passes',
    ended: base + 'ended',
  };
}

function keyList(k: SaleKeys): string[] {
  return [k.room, k.pre, k.queue, k.checkin, k.active, k.places, k.phones, k.passes, k.ended];
}
const SALE_KEYS = 9;

const SCRIPTS = {
  queuePlaceStatus: { file: 'place-status.lua', keys: SALE_KEYS, common: true },
  queuePlaceJoin: { file: 'place-join.lua', keys: SALE_KEYS, common: true },
  queuePlaceLeave: { file: 'place-leave.lua', keys: SALE_KEYS, common: true },
  queueSaleOpen: { file: 'sale-open.lua', keys: SALE_KEYS, common: true },
  queueRoomTick: { file: 'room-tick.lua', keys: SALE_KEYS, common: true },
  queueSaleRead: { file: 'sale-read.lua', keys: SALE_KEYS, common: true },
  queueLeader: { file: 'leader.lua', keys: 1, common: false },
} as const;
type ScriptName = keyof typeof SCRIPTS;
type Script = (...args: (string | number)[]) => Promise<unknown>;

// tsc does not copy .lua files: they are read from src/, which this resolves to from src/redis/ (vitest, tsx)
// and from dist/redis/ (the built service; its image keeps src/).
const SCRIPT_DIR = new URL('../../src/redis/', import.meta.url);
let sources: Record<ScriptName, string> | undefined;

function scriptSources(): Readonly<Record<ScriptName, string>> {
  if (!sources) {
    const read = (file: string): string => readFileSync(new URL(file, SCRIPT_DIR), 'utf8');
    const common = read('common.lua');
    sources = Object.fromEntries(
      Object.entries(SCRIPTS).map(([name, s]) => [name, s.common ? `${common}\n-- ${s.file}\n${read(s.file)}` : read(s.file)]),
    ) as Record<ScriptName, string>;
  }
  return sources;
}

export type PlaceKind = 'admitted' | 'sold-out' | 'open' | 'pre' | 'queued' | 'none';

/** The room's fields every answer carries. */
export interface RoomHead {
  active: boolean;
  seatsLeft: number | null;
  /** Admissions per second the last tick used; null before the first. */
  rate: number | null;
  soldOut: boolean;
  /** The operator's opening override (ms), or null (the rule's). */
  opensAtMs: number | null;
  reason: string | null;
  /** As of the last tick (null before the first): the active-shopper cap, and the slots of it free. */
  capacity: number | null;
  free: number | null;
  /** Departures per active shopper per second (measured, else the configured guess); null before the first tick. */
  turnover: number | null;
  /** When admission begins after the draw (ms: the pre-queue's first check-ins are spread until then); else null. */
  admitFromMs: number | null;
}

export interface PlaceState {
  kind: PlaceKind;
  /** 1-based, 0 once admitted; null outside the queue. */
  position: number | null;
  ahead: number | null;
  passExpiresAtMs: number | null;
  jti: string | null;
  /** The pre-queue's size, for a place in it (kind 'pre'); else null. */
  preQueued: number | null;
  room: RoomHead;
}

export type JoinOutcome = PlaceState | { kind: 'phone-taken' };

export interface TickInput {
  nowMs: number;
  graceMs: number;
  active: boolean;
  reason: string;
  rate: number;
  activeShoppers: number;
  passTtlMs: number;
  /** null: unknown, keep the last stored value. */
  seatsLeft: number | null;
  maxStepMs: number;
  /** The turnover until one is measured: 1 / the expected shopping time (s). */
  turnoverGuess: number;
}

export interface TickResult {
  admitted: number;
  queued: number;
  preQueued: number;
  active: number;
  dropped: number;
  expired: number;
  soldOut: boolean;
  /** Departures per active shopper per second, as the waits' estimate uses it (measured, else the guess). */
  turnover: number;
}

export interface SaleSnapshot {
  room: Record<string, string>;
  queued: number;
  preQueued: number;
  active: number;
}

const num = (v: string | undefined): number | null => (v === undefined || v === '' ? null : Number(v));

function parseHead(raw: string[], offset: number): RoomHead {
  return {
    active: raw[offset] === '1',
    seatsLeft: num(raw[offset + 1]),
    rate: num(raw[offset + 2]),
    soldOut: raw[offset + 3] === '1',
    opensAtMs: num(raw[offset + 4]),
    reason: raw[offset + 5] ? raw[offset + 5]! : null,
    capacity: num(raw[offset + 6]),
    free: num(raw[offset + 7]),
    turnover: num(raw[offset + 8]),
    admitFromMs: num(raw[offset + 9]),
  };
}

function parsePlace(raw: string[]): PlaceState {
  return {
    kind: raw[0] as PlaceKind,
    position: num(raw[1]),
    ahead: num(raw[2]),
    passExpiresAtMs: num(raw[3]),
    jti: raw[4] ? raw[4] : null,
    preQueued: num(raw[5]),
    room: parseHead(raw, 6),
  };
}

export class SaleStore {
  readonly prefix: string;
  private readonly redis: Redis;
  private readonly scripts: Record<ScriptName, Script>;
  /** Each sale's key list, built once: every check-in passes all nine. A few dates are live at a time. */
  private readonly keyLists = new Map<string, string[]>();

  constructor(redis: Redis, prefix: string) {
    this.redis = redis;
    this.prefix = prefix;
    const commands = redis as unknown as Record<string, Script>;
    const lua = scriptSources();
    for (const [name, { keys }] of Object.entries(SCRIPTS) as [ScriptName, { keys: number }][]) {
      if (typeof commands[name] !== 'function') redis.defineCommand(name, { lua: lua[name], numberOfKeys: keys });
    }
    this.scripts = Object.fromEntries(Object.keys(SCRIPTS).map((name) => [name, commands[name]!.bind(redis)])) as Record<
      ScriptName,
      Script
    >;
  }

  keys(date: string): SaleKeys {
    return saleKeys(this.prefix, date);
  }

  private keyList(date: string): string[] {
    let list = this.keyLists.get(date);
    if (!list) {
      if (this.keyLists.size >= 1_000) this.keyLists.clear();
      list = keyList(this.keys(date));
      this.keyLists.set(date, list);
    }
    return list;
  }

  /** Sales with any state (joined, set by an operator): the leader job looks at each. */
  get salesIndexKey(): string {
    return `${this.prefix}sales`;
  }

  /** Dates whose room is active, as the last tick decided (GET /internal/rooms/active). */
  get activeRoomsKey(): string {
    return `${this.prefix}rooms:active`;
  }

  get leaderKey(): string {
    return `${this.prefix}leader`;
  }

  async status(date: string, userId: string, nowMs: number): Promise<PlaceState> {
    return parsePlace((await this.scripts.queuePlaceStatus(...this.keyList(date), userId, nowMs)) as string[]);
  }

  async join(
    date: string,
    input: { userId: string; phone: string | null; nowMs: number; ruleOpensAtMs: number },
  ): Promise<JoinOutcome> {
    const raw = (await this.scripts.queuePlaceJoin(
      ...this.keyList(date),
      input.userId,
      input.phone ?? '',
      input.nowMs,
      input.ruleOpensAtMs,
    )) as string[];
    if (raw[0] === 'phone-taken') return { kind: 'phone-taken' };
    return parsePlace(raw);
  }

  async leave(date: string, userId: string, nowMs: number): Promise<{ existed: boolean; endedPass: boolean }> {
    const [existed, had] = (await this.scripts.queuePlaceLeave(...this.keyList(date), userId, nowMs)) as [number, number];
    return { existed: existed === 1, endedPass: had === 1 };
  }

  /** The pre-queue's members (to draw their order). */
  async preQueue(date: string): Promise<string[]> {
    return this.redis.smembers(this.keys(date).pre);
  }

  /** Places the pre-queue in the drawn order, to be admitted from `admitFromMs`; -1 when the sale was already opened. */
  async open(date: string, order: readonly string[], admitFromMs = 0): Promise<number> {
    return (await this.scripts.queueSaleOpen(...this.keyList(date), admitFromMs, ...order)) as number;
  }

  async tick(date: string, t: TickInput): Promise<TickResult> {
    const r = (await this.scripts.queueRoomTick(
      ...this.keyList(date),
      t.nowMs,
      t.graceMs,
      t.active ? '1' : '0',
      t.reason,
      t.rate,
      t.activeShoppers,
      t.passTtlMs,
      t.seatsLeft === null ? '' : t.seatsLeft,
      t.maxStepMs,
      t.turnoverGuess,
    )) as [number, number, number, number, number, number, number, string];
    return {
      admitted: r[0],
      queued: r[1],
      preQueued: r[2],
      active: r[3],
      dropped: r[4],
      expired: r[5],
      soldOut: r[6] === 1,
      turnover: Number(r[7]),
    };
  }

  async read(date: string): Promise<SaleSnapshot> {
    const [flat, queued, preQueued, active] = (await this.scripts.queueSaleRead(...this.keyList(date))) as [
      string[],
      number,
      number,
      number,
    ];
    const room: Record<string, string> = {};
    for (let i = 0; i + 1 < flat.length; i += 2) room[flat[i]!] = flat[i + 1]!;
    return { room, queued, preQueued, active };
  }

  /** An operator's settings (and the sale in the index). `fields` with value null are removed. */
  async writeSettings(date: string, fields: Record<string, string | null>): Promise<void> {
    const k = this.keys(date);
    const set = Object.entries(fields).filter((e): e is [string, string] => e[1] !== null);
    const del = Object.entries(fields)
      .filter(([, v]) => v === null)
      .map(([f]) => f);
    const multi = this.redis.multi();
    if (set.length > 0) multi.hset(k.room, Object.fromEntries(set));
    if (del.length > 0) multi.hdel(k.room, ...del);
    await multi.exec();
    await this.remember(date);
  }

  async remember(date: string): Promise<void> {
    await this.redis.zadd(this.salesIndexKey, 0, date);
  }

  async knownSales(): Promise<string[]> {
    return this.redis.zrange(this.salesIndexKey, 0, -1);
  }

  async forget(date: string): Promise<void> {
    const k = this.keys(date);
    await this.redis.del(...keyList(k));
    await this.redis.zrem(this.salesIndexKey, date);
    await this.redis.zrem(this.activeRoomsKey, date);
  }

  async setRoomActive(date: string, active: boolean, nowMs: number): Promise<void> {
    if (active) await this.redis.zadd(this.activeRoomsKey, nowMs, date);
    else await this.redis.zrem(this.activeRoomsKey, date);
  }

  async activeRooms(): Promise<string[]> {
    return this.redis.zrange(this.activeRoomsKey, 0, -1);
  }

  /** True when this process holds (or just took) the admission job's lease for `ttlMs`. */
  async lead(token: string, ttlMs: number): Promise<boolean> {
    return (await this.scripts.queueLeader(this.leaderKey, token, ttlMs)) === 1;
  }
}
