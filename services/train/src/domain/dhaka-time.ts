/**
 * Calendar dates and local times in Asia/Dhaka. Bangladesh keeps UTC+06:00 all year (no daylight saving
 * since 2009), so a fixed offset is exact and keeps this module pure and fast.
 */
export const DHAKA_OFFSET_MINUTES = 6 * 60;
const OFFSET_MS = DHAKA_OFFSET_MINUTES * 60_000;
const DAY_MS = 86_400_000;

/** Today's date in Dhaka (YYYY-MM-DD) at the instant `now`. */
export function dhakaDate(now: Date): string {
  return new Date(now.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The instant `minutesAfter` minutes after `time` (HH:MM or HH:MM:SS, Dhaka) on `date`, as epoch ms. */
export function dhakaInstant(date: string, time: string, minutesAfter = 0): number {
  const [h = 0, m = 0] = time.split(':').map(Number);
  return Date.parse(`${date}T00:00:00Z`) - OFFSET_MS + (h * 60 + m + minutesAfter) * 60_000;
}

/** Formats an instant as an ISO date-time in Dhaka's offset: 2025-03-01T16:30:00+06:00. */
export function formatDhaka(epochMs: number): string {
  return `${new Date(epochMs + OFFSET_MS).toISOString().slice(0, 19)}+06:00`;
}

/** The Dhaka calendar date of an ISO date-time in Dhaka's offset (its first ten characters). */
export function dateOf(dhakaDateTime: string): string {
  return dhakaDateTime.slice(0, 10);
}

export interface SalesWindow {
  first: string;
  last: string;
}

/** Tickets are sold for today and the next `days` days. */
export function salesWindow(now: Date, days: number): SalesWindow {
  const first = dhakaDate(now);
  return { first, last: addDays(first, days) };
}

export function inWindow(window: SalesWindow, date: string): boolean {
  return date >= window.first && date <= window.last;
}
