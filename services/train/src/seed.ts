/**
 * Process entry for `npm run seed`: migrates train_db, loads the catalog and publishes trips for the sales
 * window. Idempotent: run it any number of times; on a later day it adds the new days' trips.
 */
import { createPool } from '@rail/db';
import { createLogger } from '@rail/logger';
import { loadTrainConfig } from './config.js';
import { migrateTrainDatabase } from './migrate.js';
import { seedCatalog } from './use-cases/seed-catalog.js';

const config = loadTrainConfig();
const logger = createLogger({ service: 'train', level: config.LOG_LEVEL });
await migrateTrainDatabase(config.DATABASE_URL, (m) => logger.info(m));
const pool = createPool(config.DATABASE_URL, { applicationName: 'train-seed' });
try {
  const trips = await seedCatalog(pool, { now: new Date(), salesWindowDays: config.SALES_WINDOW_DAYS });
  const { rows } = await pool.query<{ trains: number; seats: number; trips: number }>(
    `SELECT (SELECT count(*) FROM trains) AS trains, (SELECT count(*) FROM seats) AS seats, (SELECT count(*) FROM trips) AS trips`,
  );
  logger.info({ ...rows[0], window: `${trips.first}..${trips.last}`, newTrips: trips.created }, 'train catalog seeded');
} finally {
  await pool.end();
}
