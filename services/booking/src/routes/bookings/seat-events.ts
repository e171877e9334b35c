/** GET /api/bookings/trips/:tripId/seat-events: live seat changes as server-sent events (no login needed). */
import { TripIdParams } from '@rail/contracts/booking';
import { problemResponses, type FastifyPluginAsyncTypebox } from '@rail/http';
import type { BookingDeps } from '../../deps.js';
import type { SeatEventsHub } from '../../live/seat-events-hub.js';

export interface SeatEventRoutesOptions {
  deps: BookingDeps;
  hub: SeatEventsHub;
  heartbeatMs?: number;
}

export const seatEventRoutes: FastifyPluginAsyncTypebox<SeatEventRoutesOptions> = async (
  app,
  { deps, hub, heartbeatMs = 15_000 },
) => {
  app.get(
    '/trips/:tripId/seat-events',
    {
      schema: {
        summary:
          'Live seat changes of a trip (text/event-stream; event "seats", data = SeatEvent[]; event "resync": changes may have been missed, refetch the seat map)',
        params: TripIdParams,
        response: problemResponses(400, 503),
      },
    },
    async (request, reply) => {
      const { tripId } = request.params;
      await deps.inventories.get(tripId, 'params.tripId');
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      });
      let closed = false;
      const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
      let unsubscribe: (() => Promise<void>) | undefined;
      const cleanup = (): void => {
        if (closed) return;
        closed = true;
        clearInterval(heartbeat);
        void unsubscribe?.();
        if (!res.writableEnded) res.end();
      };
      // The response's 'close' means the client went away; the request's 'close' only means its body was read.
      res.on('close', cleanup);
      try {
        unsubscribe = await hub.subscribe(
          tripId,
          (events) =>
            res.write(events === 'resync' ? 'event: resync\ndata: {}\n\n' : `event: seats\ndata: ${JSON.stringify(events)}\n\n`),
          cleanup,
        );
      } catch (err) {
        request.log.error({ err }, 'seat events: could not subscribe');
        cleanup();
        return;
      }
      if (closed) void unsubscribe();
      // Only now are changes delivered: tell the client it may trust the stream from here on.
      else res.write('retry: 3000\n: connected\n\n');
    },
  );
};
