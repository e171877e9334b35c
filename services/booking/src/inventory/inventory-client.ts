/**
 * Reads trip inventories from the train service (GET /internal/trips/:id/inventory, through the shared
 * service client) and keeps them in process (@rail/cache): an inventory never changes once a trip is on
 * sale. Concurrent misses share one request (single-flight); an unknown trip is remembered briefly
 * (negative caching) so a flood of bad ids cannot hammer the train service.
 */
import { TripInventory } from '@rail/contracts/train-internal';
import { ValidationError } from '@rail/errors';
import { createCache } from '@rail/cache';
import { createServiceClient, UpstreamContractError, type ServiceClientOptions } from '@rail/service-client';
import { buildCatalog, type TripCatalog } from './trip-catalog.js';

export interface InventoryClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  maxTrips?: number;
  unknownTtlMs?: number;
  /** The breaker in front of the train service; default: the service client's. */
  breaker?: ServiceClientOptions['breaker'];
}

export interface InventoryClient {
  /** The trip's catalog; 400 UNKNOWN_TRIP when the train service does not know it, 503 when it is down. */
  get(tripId: number, field?: string): Promise<TripCatalog>;
  /** The catalog if it is already in memory (no I/O). */
  peek(tripId: number): TripCatalog | undefined;
}

export class UnknownTripError extends ValidationError {
  constructor(tripId: number, field: string) {
    super(`Trip ${tripId} does not exist`, [{ field, message: `trip ${tripId} does not exist` }], 'UNKNOWN_TRIP');
  }
}

export function createInventoryClient(options: InventoryClientOptions): InventoryClient {
  const train = createServiceClient({
    service: 'train',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs ?? 3000,
    retryAfterSeconds: 2,
    // Inventories are loaded once per trip, so a short open period is enough to spare a down train service.
    breaker: options.breaker ?? { consecutiveFailures: 5, halfOpenAfterMs: 1_000 },
  });
  const catalogs = createCache<number, TripCatalog>({
    max: options.maxTrips ?? 5000,
    notFoundTtlMs: options.unknownTtlMs ?? 5000,
    async load(tripId) {
      const inventory = await train.get(`/internal/trips/${tripId}/inventory`, TripInventory);
      if (!inventory) return null;
      if (inventory.tripId !== tripId) {
        throw new UpstreamContractError('train', {
          code: 'TRAIN_SERVICE_INVALID',
          retryAfter: 2,
          detail: `asked for trip ${tripId}, got trip ${inventory.tripId}`,
        });
      }
      return buildCatalog(inventory);
    },
  });

  return {
    peek: (tripId) => catalogs.peek(tripId),
    async get(tripId, field = 'body.tripId') {
      const catalog = await catalogs.get(tripId);
      if (!catalog) throw new UnknownTripError(tripId, field);
      return catalog;
    },
  };
}
