/**
 * Service-to-service routes (never routed by the gateway: render.ts INTERNAL_ROUTES refuses /internal/): the trip
 * inventory the booking service sells from, and a sale's seats left for the queue service's admission job.
 */
import { problemResponses, type FastifyPluginAsyncTypebox } from '@rail/http';
import { SaleParams, SaleSeatsResponse } from '@rail/contracts/queue';
import { TripParams } from '@rail/contracts/train';
import { TripInventory } from '@rail/contracts/train-internal';
import type { UseCaseDeps } from '../../deps.js';
import { getSaleSeats } from '../../use-cases/get-sale-seats.js';
import { getTripInventory } from '../../use-cases/get-trip-inventory.js';

export const internalRoutes: FastifyPluginAsyncTypebox<{ deps: UseCaseDeps }> = async (app, { deps }) => {
  app.get(
    '/trips/:tripId/inventory',
    {
      schema: {
        hide: true,
        params: TripParams,
        response: { 200: TripInventory, ...problemResponses(400, 404) },
      },
    },
    async (request, reply) => {
      // Immutable once published: let callers and proxies keep it.
      reply.header('cache-control', 'private, max-age=3600, immutable');
      return getTripInventory(deps, request.params.tripId);
    },
  );

  app.get(
    '/sales/:date/seats',
    {
      schema: {
        hide: true,
        params: SaleParams,
        response: { 200: SaleSeatsResponse, ...problemResponses(400) },
      },
    },
    async (request, reply) => {
      // Live (kept here a moment, see getSaleSeats): nobody else should keep it.
      reply.header('cache-control', 'no-store');
      return getSaleSeats(deps, request.params.date);
    },
  );
};
