/** Schemas shared by several contracts: ids, station codes, dates, money. */
import { Type, type Static } from '@sinclair/typebox';
import './formats.js';

export const StationCode = Type.String({ pattern: '^[A-Z]{2,5}$', description: 'Station code, e.g. DHK' });
export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'Calendar date YYYY-MM-DD (Asia/Dhaka)' });
export const IsoDateTime = Type.String({ format: 'date-time' });
export const Uuid = Type.String({ format: 'uuid' });
/**
 * The largest id the stores keep (PostgreSQL `integer`). Ids past it (`1e99`, `1e308`) are a 400 at the edge of
 * every service that takes them, not an error from the store or a 503 from the service asked next.
 */
export const MAX_ID = 2_147_483_647;
export const TripId = Type.Integer({ minimum: 1, maximum: MAX_ID, description: 'A train on a date' });
export const SeatId = Type.Integer({ minimum: 1, maximum: MAX_ID });
/** Amounts in whole taka (BDT); the railway prices in whole taka. */
export const Money = Type.Integer({ minimum: 0, maximum: MAX_ID, description: 'Amount in BDT (whole taka)' });
export const SeatClass = Type.Union(
  [Type.Literal('SHOVAN'), Type.Literal('S_CHAIR'), Type.Literal('SNIGDHA'), Type.Literal('AC_S')],
  {
    description: 'Seat class (Bangladesh Railway): Shovan, Shovan Chair, Snigdha, AC seat',
  },
);
export type SeatClass = Static<typeof SeatClass>;
export const SeatStatus = Type.Union([Type.Literal('available'), Type.Literal('held'), Type.Literal('booked')]);
export type SeatStatus = Static<typeof SeatStatus>;
