/**
 * The waiting room's passes, one per sale date, in this tab's sessionStorage (a pass is for the tab that
 * queued, and a reload keeps it). The hot endpoints (seat maps, select, confirm) name a trip, not a date, so
 * the trip -> date of every trip the app has seen is remembered too, to know which pass a request carries.
 */
import { QUEUE_PASS_HEADER } from '@rail/contracts/queue';

export interface QueuePass {
  pass: string;
  /** ISO time the pass stops working; absent = until the room closes. */
  expiresAt?: string;
}

const PASS_KEY = (date: string) => `rail.queuePass.${date}`;
const TRIP_KEY = (tripId: number) => `rail.tripDate.${tripId}`;
const tripDates = new Map<number, string>();

const storage = (): Storage | null => {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
};

export function savePass(date: string, pass: QueuePass): void {
  try {
    storage()?.setItem(PASS_KEY(date), JSON.stringify(pass));
  } catch {
    // storage full or disabled: the pass is lost with the page; the room will admit again
  }
}

export function dropPass(date: string): void {
  try {
    storage()?.removeItem(PASS_KEY(date));
  } catch {
    // nothing stored
  }
}

/** The pass for a sale date, unless it has expired (then it is forgotten). */
export function passFor(date: string, now = Date.now()): QueuePass | null {
  try {
    const raw = storage()?.getItem(PASS_KEY(date));
    if (!raw) return null;
    const pass = JSON.parse(raw) as QueuePass;
    if (pass.expiresAt && Date.parse(pass.expiresAt) <= now) {
      dropPass(date);
      return null;
    }
    return typeof pass.pass === 'string' && pass.pass ? pass : null;
  } catch {
    return null;
  }
}

export function rememberTripDate(tripId: number, date: string): void {
  if (tripDates.get(tripId) === date) return;
  tripDates.set(tripId, date);
  try {
    storage()?.setItem(TRIP_KEY(tripId), date);
  } catch {
    // memory still has it
  }
}

export function tripDate(tripId: number): string | undefined {
  const known = tripDates.get(tripId);
  if (known) return known;
  try {
    const stored = storage()?.getItem(TRIP_KEY(tripId)) ?? undefined;
    if (stored) tripDates.set(tripId, stored);
    return stored;
  } catch {
    return undefined;
  }
}

/** The X-Queue-Pass header for a request about this trip, when this tab holds a live pass for its date. */
export function queueHeaders(tripId: number | undefined): Record<string, string> | undefined {
  if (tripId === undefined) return undefined;
  const date = tripDate(tripId);
  const pass = date ? passFor(date) : null;
  return pass ? { [QUEUE_PASS_HEADER]: pass.pass } : undefined;
}

/** Forget the in-memory trip dates (tests). */
export function resetQueueMemory(): void {
  tripDates.clear();
}
