/**
 * Which sale (waiting room) a trip belongs to. Pure.
 *
 * A sale is every trip of one date, reckoned as the queue service reckons dates (services/queue/src/domain/
 * sale-calendar.ts: a calendar date in the railway's zone, Asia/Dhaka). A trip's is the local date of its
 * departure from its first stop, as the train service computes it for its seat maps: a night train that reaches
 * a stop after midnight still belongs to the day it left. That is also the train service's service date, the
 * inventory's `date`, which booking.confirmed carries (the queue ends the buyer's pass by it) and the frontend
 * queues for; only a first stop without a departure time falls back to it.
 */
import type { TripInventory } from '@rail/contracts/train-internal';

export const SALE_TIME_ZONE = 'Asia/Dhaka';

const localDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: SALE_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

export function saleDateOf(trip: Pick<TripInventory, 'date' | 'stops'>): string {
  const departure = trip.stops[0]?.departure;
  const ms = departure ? Date.parse(departure) : Number.NaN;
  return Number.isFinite(ms) ? localDate.format(ms) : trip.date;
}
