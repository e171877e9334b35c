/**
 * The sale a trip belongs to. A sale is every trip of one date (docs/waiting-room.md), reckoned as the queue
 * service does (services/queue/src/domain/sale-calendar.ts): a local calendar date in the railway's zone, Asia/Dhaka.
 * A trip's is the date of its departure from its first stop there, so a night train that reaches a stop after
 * midnight still belongs to the day it left.
 */
import { dhakaDate } from './dhaka-time.js';

export function saleDateOf(stops: readonly { departure: string | null }[]): string {
  const departure = stops[0]?.departure;
  if (!departure) throw new RangeError('a trip departs from its first stop');
  return dhakaDate(new Date(Date.parse(departure)));
}
