/**
 * Which sale (waiting room) a trip belongs to: the one home of the rule, used by every service that guards a
 * sale's hot endpoints (booking's select and confirm, train's seat maps). Pure.
 *
 * A sale is every trip of one date, reckoned as the queue service reckons dates (services/queue/src/domain/
 * sale-calendar.ts): a calendar date in the railway's zone, Asia/Dhaka. A trip's is the local date of its
 * departure from its first stop: a night train that reaches a stop after midnight still belongs to the day it
 * left. That is also the train service's service date (the inventory's `date`, which booking.confirmed carries
 * and the frontend queues for); only a first stop without a departure time falls back to it.
 */
export const SALE_TIME_ZONE = 'Asia/Dhaka';

const localDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: SALE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * The sale date of a trip from its stops (the first one's `departure`, an ISO date-time), else `serviceDate`;
 * RangeError when neither tells.
 */
export function saleDateOf(stops: readonly { departure?: string | null }[], serviceDate?: string): string {
  const departure = stops[0]?.departure;
  const ms = departure ? Date.parse(departure) : Number.NaN;
  if (Number.isFinite(ms)) return localDate.format(ms);
  if (serviceDate) return serviceDate;
  throw new RangeError('a trip departs from its first stop');
}
