/** What the use-cases need, built once by the server (tests build the same with their own Redis prefix). */
import type { Logger } from '@rail/logger';
import type { PassKeys } from '@rail/queue-pass';
import type { RoomDefaults } from './domain/room.js';
import type { SaleStore } from './redis/sale-store.js';

export interface QueueDeps {
  store: SaleStore;
  passKeys: PassKeys;
  defaults: RoomDefaults;
  passTtlSeconds: number;
  checkinGraceSeconds: number;
  /** The pre-queue's first check-ins after the opening are spread to about this many a second. */
  openingCheckinsPerSecond: number;
  /** The clock (ms); tests move it. */
  now: () => number;
  logger: Logger;
}
