/** GET /api/queue/sales/:date: the sale's opening, its room and seats left, from one read of Redis. */
import type { SaleResponse, SaleStatus } from '@rail/contracts/queue';
import type { QueueDeps } from '../deps.js';
import { effectiveSettings, type Reason } from '../domain/room.js';
import { checkSaleDate } from './sale-date.js';
import { guardStore } from './store-guard.js';

export function saleStatus(nowMs: number, opensAtMs: number, roomActive: boolean, seatsLeft: number | null): SaleStatus {
  if (seatsLeft === 0) return 'sold-out';
  if (roomActive) return 'queueing';
  return nowMs >= opensAtMs ? 'selling' : 'scheduled';
}

const REASONS = new Set(['scheduled', 'operator', 'saturation']);
export const reasonOf = (v: string | undefined | null): Reason | null => (v && REASONS.has(v) ? (v as Reason) : null);

export async function readSale(deps: QueueDeps, date: string): Promise<SaleResponse> {
  checkSaleDate(deps, date);
  const snap = await guardStore(() => deps.store.read(date));
  const s = effectiveSettings(date, snap.room, deps.defaults);
  const roomActive = snap.room.active === '1';
  const seatsLeft = snap.room.seatsLeft ? Number(snap.room.seatsLeft) : null;
  const { rule } = deps.defaults;
  return {
    date,
    opensAt: new Date(s.opensAtMs).toISOString(),
    roomOpensAt: new Date(s.roomOpensAtMs).toISOString(),
    roomActive,
    roomReason: roomActive ? reasonOf(snap.room.reason) : null,
    status: saleStatus(deps.now(), s.opensAtMs, roomActive, seatsLeft),
    seatsLeft,
    waiting: snap.queued + snap.preQueued,
    activeShoppers: snap.active,
    rule: {
      opensDaysBefore: rule.opensDaysBefore,
      opensAtLocal: rule.opensAtLocal,
      timeZone: rule.timeZone,
      roomOpensMinutesBefore: s.roomOpensMinutesBefore,
    },
  };
}
