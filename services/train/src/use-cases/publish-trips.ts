/**
 * Publishes trips (a train on a date) for every train and every day of the sales window. Idempotent and
 * safe to run from several replicas: existing trips keep their ids. The server runs it on start and
 * hourly so the window rolls forward at midnight without a manual seed.
 */
import type { Queryable } from '@rail/db';
import { salesWindow } from '../domain/dhaka-time.js';

export interface PublishedTrips {
  first: string;
  last: string;
  created: number;
}

export async function publishTrips(db: Queryable, options: { now: Date; salesWindowDays: number }): Promise<PublishedTrips> {
  const window = salesWindow(options.now, options.salesWindowDays);
  // Ordered by date then train so trip ids on a fresh database are predictable.
  const { rowCount } = await db.query(
    `INSERT INTO trips (train_id, service_date)
     SELECT t.id, d::date FROM generate_series($1::date, $2::date, interval '1 day') AS d CROSS JOIN trains t
     ORDER BY d, t.id
     ON CONFLICT (train_id, service_date) DO NOTHING`,
    [window.first, window.last],
  );
  return { ...window, created: rowCount ?? 0 };
}
