/**
 * A pass ends when its holder has bought (booking.confirmed of a trip on the sale's date): the place goes and the
 * pass is recorded as ended, so its admission slot is free for the next in line at once. Idempotent: a second
 * delivery finds no place. (Booking and train still accept the pass until it expires: docs/waiting-room.md.)
 */
import type { QueueDeps } from '../deps.js';
import { isCalendarDate, isPast } from '../domain/sale-calendar.js';

export async function endPassOnPurchase(deps: QueueDeps, data: { userId: string; date: string }): Promise<boolean> {
  if (!isCalendarDate(data.date) || isPast(data.date, deps.now(), deps.defaults.rule.timeZone)) return false;
  const { endedPass } = await deps.store.leave(data.date, data.userId, deps.now());
  return endedPass;
}
