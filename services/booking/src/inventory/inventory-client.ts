/**
 * Reads trip inventories from the train service (GET /internal/trips/:id/inventory) and keeps them in
 * process: an inventory never changes once a trip is on sale. Concurrent misses share one request
 * (single-flight); an unknown trip is remembered briefly so a flood of bad ids cannot hammer the train service.
 */
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { TripInventory } from '@rail/contracts/train-internal';
import { ServiceUnavailableError, ValidationError } from '@rail/errors';
import { buildCatalog, type TripCatalog } from './trip-catalog.js';

const checkInventory = TypeCompiler.Compile(TripInventory);

export interface InventoryClientOptions {
  baseUrl: string;
  timeoutMs?: number;
  maxTrips?: number;
  unknownTtlMs?: number;
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
  const baseUrl = options.baseUrl.replace(/\/$/, '');
  const timeoutMs = options.timeoutMs ?? 3000;
  const maxTrips = options.maxTrips ?? 5000;
  const unknownTtlMs = options.unknownTtlMs ?? 5000;
  const ready = new Map<number, TripCatalog>();
  const inFlight = new Map<number, Promise<TripCatalog | null>>();
  const unknownUntil = new Map<number, number>();

  async function fetchCatalog(tripId: number): Promise<TripCatalog | null> {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/internal/trips/${tripId}/inventory`, { signal: AbortSignal.timeout(timeoutMs) });
    } catch {
      throw new ServiceUnavailableError('The train catalogue is unavailable; try again shortly', 2, 'TRAIN_SERVICE_UNAVAILABLE');
    }
    if (response.status === 404) {
      await response.body?.cancel();
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new ServiceUnavailableError('The train catalogue is unavailable; try again shortly', 2, 'TRAIN_SERVICE_UNAVAILABLE');
    }
    const body: unknown = await response.json();
    if (!checkInventory.Check(body) || body.tripId !== tripId) {
      throw new ServiceUnavailableError('The train catalogue answered with an invalid inventory', 2, 'TRAIN_SERVICE_INVALID');
    }
    return buildCatalog(body);
  }

  return {
    peek: (tripId) => ready.get(tripId),
    async get(tripId, field = 'body.tripId') {
      const hit = ready.get(tripId);
      if (hit) return hit;
      const unknown = unknownUntil.get(tripId);
      if (unknown !== undefined) {
        if (unknown > Date.now()) throw new UnknownTripError(tripId, field);
        unknownUntil.delete(tripId);
      }
      let pending = inFlight.get(tripId);
      if (!pending) {
        pending = fetchCatalog(tripId).finally(() => inFlight.delete(tripId));
        inFlight.set(tripId, pending);
      }
      const catalog = await pending;
      if (!catalog) {
        if (unknownUntil.size > maxTrips) unknownUntil.clear();
        unknownUntil.set(tripId, Date.now() + unknownTtlMs);
        throw new UnknownTripError(tripId, field);
      }
      if (!ready.has(tripId)) {
        if (ready.size >= maxTrips) ready.delete(ready.keys().next().value!);
        ready.set(tripId, catalog);
      }
      return catalog;
    },
  };
}
