/**
 * Service-to-service (never routed by the gateway): the active rooms, polled by @rail/queue-pass's room watcher
 * in booking and train. With Redis unreachable it answers 503, and the watchers keep their last known rooms.
 */
import { ActiveRoomsResponse } from '@rail/contracts/queue';
import { problemResponses, type FastifyPluginAsyncTypebox } from '@rail/http';
import type { QueueDeps } from '../../deps.js';
import { guardStore } from '../../use-cases/store-guard.js';

export const internalRoutes: FastifyPluginAsyncTypebox<{ deps: QueueDeps }> = async (app, { deps }) => {
  app.get(
    '/rooms/active',
    {
      schema: {
        summary: 'Dates whose waiting room is active now',
        response: { 200: ActiveRoomsResponse, ...problemResponses(503) },
      },
    },
    async () => {
      const dates = await guardStore(() => deps.store.activeRooms());
      return { rooms: dates.map((date) => ({ date })) };
    },
  );
};
