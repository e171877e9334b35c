/**
 * The operators' switch (PUT/DELETE /api/queue/admin/sales/:date). Overrides are stored in the sale's room hash
 * (o:mode, opensAt, o:roomMinutes, o:shoppers, o:aps) and win over the rule's defaults from the config; nothing
 * else holds them, so they last as long as the sale's keys (forgotten once the date has passed). A PUT clears a
 * recorded drain, so a scheduled room can be run again, and one that moves the opening into the future clears the
 * draw, so that opening has its pre-queue.
 */
import type { RoomSettingsBody, RoomSettingsResponse } from '@rail/contracts/queue';
import { ValidationError } from '@rail/errors';
import type { QueueDeps } from '../deps.js';
import { effectiveSettings } from '../domain/room.js';
import { reasonOf } from './read-sale.js';
import { checkSaleDate } from './sale-date.js';
import { guardStore } from './store-guard.js';

export async function readSettings(deps: QueueDeps, date: string): Promise<RoomSettingsResponse> {
  const snap = await guardStore(() => deps.store.read(date));
  const s = effectiveSettings(date, snap.room, deps.defaults);
  const roomActive = snap.room.active === '1';
  return {
    date,
    mode: s.mode ?? 'scheduled',
    opensAt: new Date(s.opensAtMs).toISOString(),
    roomOpensMinutesBefore: s.roomOpensMinutesBefore,
    activeShoppers: s.activeShoppers,
    admissionsPerSecond: s.admissionsPerSecond,
    currentAdmissionsPerSecond: snap.room.rate ? Number(snap.room.rate) : roomActive ? s.admissionsPerSecond : 0,
    roomActive,
    roomReason: roomActive ? reasonOf(snap.room.reason) : null,
    waiting: snap.queued + snap.preQueued,
    active: snap.active,
    admittedTotal: Number(snap.room.admitted ?? 0),
  };
}

export async function putSettings(deps: QueueDeps, date: string, body: RoomSettingsBody): Promise<RoomSettingsResponse> {
  checkSaleDate(deps, date);
  let opensAt: string | undefined;
  let reopens = false;
  if (body.opensAt !== undefined) {
    const ms = Date.parse(body.opensAt);
    if (!Number.isFinite(ms)) throw ValidationError.field('body.opensAt', 'must be a date-time');
    opensAt = String(ms);
    // An opening moved into the future is an opening still to come: joins until then form a pre-queue, drawn then,
    // even if the sale was drawn before (a saturation room, or an earlier opening: sale-open.lua places the new
    // draw after the places of the old one).
    reopens = ms > deps.now();
  }
  await guardStore(() =>
    deps.store.writeSettings(date, {
      'o:mode': body.mode ?? 'on',
      ...(opensAt !== undefined ? { opensAt } : {}),
      ...(body.roomOpensMinutesBefore !== undefined ? { 'o:roomMinutes': String(body.roomOpensMinutesBefore) } : {}),
      ...(body.activeShoppers !== undefined ? { 'o:shoppers': String(body.activeShoppers) } : {}),
      ...(body.admissionsPerSecond !== undefined ? { 'o:aps': String(body.admissionsPerSecond) } : {}),
      drained: null,
      ...(reopens ? { shuffled: null, admitFrom: null } : {}),
    }),
  );
  return readSettings(deps, date);
}

/** Switches the room off: it stays off (no scheduled or saturation room) until a PUT. */
export async function switchOff(deps: QueueDeps, date: string): Promise<RoomSettingsResponse> {
  checkSaleDate(deps, date);
  await guardStore(() => deps.store.writeSettings(date, { 'o:mode': 'off' }));
  return readSettings(deps, date);
}
