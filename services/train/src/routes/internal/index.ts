/** Service-to-service routes (never routed by the gateway): the trip inventory the booking service sells from. */
import { problemResponses, type FastifyPluginAsyncTypebox } from '@rail/http';
import { TripParams } from '@rail/contracts/train';
import { TripInventory } from '@rail/contracts/train-internal';
import type { UseCaseDeps } from '../../deps.js';
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
};
