/**
 * Audit command: compares Redis's live seat inventory with PostgreSQL's active bookings and prints every
 * difference. `node dist/audit.js [tripId ...]` (no ids: every trip with active bookings). Exit code 1
 * when a difference was found.
 */
import { createLogger } from '@rail/logger';
import { loadBookingConfig } from './config.js';
import { activeTripIds } from './db/bookings-repo.js';
import { createDeps, waitForRedis } from './runtime.js';
import { auditTrip } from './use-cases/audit-trip.js';

const config = loadBookingConfig();
const deps = createDeps(config, createLogger({ service: 'booking-audit', level: 'warn' }));
try {
  await waitForRedis(deps.redis);
  let tripIds = process.argv.slice(2).map(Number);
  if (tripIds.some((id) => !Number.isInteger(id) || id < 1)) throw new Error('usage: audit [tripId ...]');
  if (tripIds.length === 0) {
    tripIds = await activeTripIds(deps.pool);
  }
  let total = 0;
  for (const tripId of tripIds) {
    const differences = await auditTrip(deps, tripId);
    total += differences.length;
    console.warn(
      `trip ${tripId}: ${differences.length === 0 ? 'Redis matches PostgreSQL' : `${differences.length} difference(s)`}`,
    );
    for (const d of differences) console.warn(`  [${d.kind}] ${d.detail}`);
  }
  process.exitCode = total > 0 ? 1 : 0;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 2;
} finally {
  await deps.pool.end().catch(() => undefined);
  deps.redis.disconnect();
}
