/** What the use-cases need, built once in app.ts (identical in tests and production). */
import type { PassKeys } from '@rail/queue-pass';
import type { AvailabilitySource } from './availability/booking-availability.js';
import type { SharedCache } from './cache/shared-cache.js';
import type { Catalog } from './catalog.js';

export interface UseCaseDeps {
  catalog: Catalog;
  availability: AvailabilitySource;
  cache: SharedCache;
  salesWindowDays: number;
  searchCacheTtlMs: number;
  saleSeatsCacheTtlMs: number;
  /** The waiting room in front of a sale's seat maps (docs/waiting-room.md). */
  waitingRoom: {
    /** Which dates' rooms are active: a background poll of the queue service, never a call per request. */
    rooms: { isActive(date: string): boolean };
    /** QUEUE_PASS_SECRET, parsed once. */
    passKeys: PassKeys;
  };
  now: () => Date;
}
