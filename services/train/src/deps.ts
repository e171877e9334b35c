/** What the use-cases need, built once in app.ts (identical in tests and production). */
import type { AvailabilitySource } from './availability/booking-availability.js';
import type { SharedCache } from './cache/shared-cache.js';
import type { Catalog } from './catalog.js';

export interface UseCaseDeps {
  catalog: Catalog;
  availability: AvailabilitySource;
  cache: SharedCache;
  salesWindowDays: number;
  searchCacheTtlMs: number;
  now: () => Date;
}
