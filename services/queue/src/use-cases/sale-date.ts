/** Checks a sale's date beyond its pattern: a real calendar date (400) that has not passed (409 SALE_CLOSED). */
import { ConflictError, ValidationError } from '@rail/errors';
import type { QueueDeps } from '../deps.js';
import { isCalendarDate, isPast } from '../domain/sale-calendar.js';

export function checkSaleDate(deps: QueueDeps, date: string): void {
  if (!isCalendarDate(date)) throw ValidationError.field('params.date', 'must be a calendar date YYYY-MM-DD');
  if (isPast(date, deps.now(), deps.defaults.rule.timeZone)) {
    throw new ConflictError('SALE_CLOSED', `The sale of ${date} is over: the date has passed`, { date });
  }
}
