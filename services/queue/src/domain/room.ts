/**
 * A sale's effective settings (the rule's defaults, then an operator's overrides stored in the room's hash) and
 * whether its room is active, and why. Pure.
 *
 * - `off` (operator DELETE): never active until a PUT.
 * - `on` (operator PUT, the default mode): active until DELETE (a sold-out sale stays behind it, so seats freed
 *   later go to the line, not to whoever refreshes fastest).
 * - scheduled (no operator, or PUT mode "scheduled"): active from `roomOpensMinutesBefore` before the opening
 *   until the queue has drained after it (then `drained` is recorded; a sold-out sale keeps its room).
 * - saturation: while booking is saturated, every date on sale gets a room; it ends when booking is calm again
 *   and that room's queue has drained.
 */
import type { SaleRuleConfig } from './sale-calendar.js';
import { ruleOpensAtMs } from './sale-calendar.js';

export type Mode = 'on' | 'scheduled' | 'off';
export type Reason = 'scheduled' | 'operator' | 'saturation';

export interface RoomDefaults {
  rule: SaleRuleConfig;
  activeShoppers: number;
  admissionsPerSecond: number;
}

export interface RoomSettings {
  /** null: no operator override (scheduled by the rule). */
  mode: Mode | null;
  opensAtMs: number;
  roomOpensMinutesBefore: number;
  roomOpensAtMs: number;
  activeShoppers: number;
  admissionsPerSecond: number;
}

const int = (v: string | undefined): number | null => {
  if (v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/** Operator overrides live in the room hash as o:mode, o:opensAt, o:roomMinutes, o:shoppers, o:aps. */
export function effectiveSettings(date: string, room: Record<string, string>, defaults: RoomDefaults): RoomSettings {
  const opensAtMs = int(room.opensAt) ?? ruleOpensAtMs(date, defaults.rule);
  const roomOpensMinutesBefore = int(room['o:roomMinutes']) ?? defaults.rule.roomOpensMinutesBefore;
  const mode = room['o:mode'];
  return {
    mode: mode === 'on' || mode === 'off' || mode === 'scheduled' ? mode : null,
    opensAtMs,
    roomOpensMinutesBefore,
    roomOpensAtMs: opensAtMs - roomOpensMinutesBefore * 60_000,
    activeShoppers: int(room['o:shoppers']) ?? defaults.activeShoppers,
    admissionsPerSecond: int(room['o:aps']) ?? defaults.admissionsPerSecond,
  };
}

export interface RoomFacts {
  nowMs: number;
  settings: RoomSettings;
  /** Booking is saturated now (the admission job's measure) and this date is on sale. */
  saturated: boolean;
  wasActive: boolean;
  wasReason: Reason | null;
  /** The scheduled room already drained after its opening. */
  drained: boolean;
  /** People waiting (pre-queue and queue). */
  waiting: number;
  soldOut: boolean;
}

export interface RoomDecision {
  active: boolean;
  reason: Reason | null;
  /** The scheduled room has just drained: record it so it does not come back. */
  drainedNow: boolean;
}

export function decideRoom(f: RoomFacts): RoomDecision {
  const { settings: s, nowMs } = f;
  if (s.mode === 'off') return { active: false, reason: null, drainedNow: false };
  if (s.mode === 'on') return { active: true, reason: 'operator', drainedNow: false };
  const opened = nowMs >= s.opensAtMs;
  if (nowMs >= s.roomOpensAtMs && !f.drained) {
    if (!opened || f.waiting > 0 || f.soldOut) return { active: true, reason: 'scheduled', drainedNow: false };
    // Opened and nobody waits: the opening's room has done its work.
    if (f.saturated) return { active: true, reason: 'saturation', drainedNow: true };
    return { active: false, reason: null, drainedNow: true };
  }
  if (opened && (f.saturated || (f.wasActive && f.wasReason === 'saturation' && f.waiting > 0))) {
    return { active: true, reason: 'saturation', drainedNow: false };
  }
  return { active: false, reason: null, drainedNow: false };
}
