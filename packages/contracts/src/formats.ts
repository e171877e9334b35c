/**
 * String formats used by the contracts (`date-time`, `date`, `uuid`), registered with TypeBox so that
 * `Value.Check` validates them; TypeBox rejects every value of an unregistered format. Imported for its
 * side effect by common.ts, so any contract import brings the formats with it.
 */
import { FormatRegistry } from '@sinclair/typebox';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-](\d{2}):(\d{2}))$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A real calendar date (rejects 2025-02-30). */
export function isIsoDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

export function isIsoDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m || !isIsoDate(m[1] ?? '')) return false;
  return Number(m[2]) < 24 && Number(m[3]) < 60 && Number(m[4]) < 61 && (m[7] === undefined || Number(m[7]) < 24);
}

if (!FormatRegistry.Has('date')) FormatRegistry.Set('date', isIsoDate);
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isIsoDateTime);
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (value) => UUID.test(value));
