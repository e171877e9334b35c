/** What use-cases need, passed in explicitly (the same objects in tests and production). */
import type { Pool } from '@rail/db';
import type { Logger } from '@rail/logger';
import type { Redis } from '@rail/redis';
import type { InventoryClient } from './inventory/inventory-client.js';
import type { SeatInventory } from './redis/seat-inventory.js';

export interface BookingSettings {
  holdTtlSeconds: number;
  maxSeatsPerUser: number;
  otpPepper: string;
  otpDevEcho: boolean;
  /** Entries still waiting this long before their train leaves are closed (and none join after). */
  waitlistCutoffMinutes: number;
}

export interface BookingDeps {
  pool: Pool;
  redis: Redis;
  seats: SeatInventory;
  inventories: InventoryClient;
  settings: BookingSettings;
  logger: Logger;
}
