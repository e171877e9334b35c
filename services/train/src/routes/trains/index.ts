/**
 * Public catalog routes under /api/trains: stations, search, trip details and seat maps. Anonymous, except the seat
 * maps of a sale whose waiting room is active: those need a sign-in and the date's pass (docs/waiting-room.md).
 */
import { requireUser } from '@rail/auth-verify';
import { problemResponses, type FastifyPluginAsyncTypebox } from '@rail/http';
import { QUEUE_PASS_HEADER } from '@rail/queue-pass';
import {
  SearchQuery,
  SearchResponse,
  SeatMap,
  SeatMapQuery,
  StationsResponse,
  TripDetail,
  TripParams,
} from '@rail/contracts/train';
import type { UseCaseDeps } from '../../deps.js';
import { listStations } from '../../use-cases/list-stations.js';
import { searchTrips } from '../../use-cases/search-trips.js';
import { getTrip } from '../../use-cases/get-trip.js';
import { getSeatMap } from '../../use-cases/get-seat-map.js';
import { checkSalePass, guardedSaleOf, signInRequired } from '../../use-cases/check-sale-pass.js';

export const trainRoutes: FastifyPluginAsyncTypebox<{ deps: UseCaseDeps }> = async (app, { deps }) => {
  app.get('/stations', { schema: { tags: ['catalog'], summary: 'Every station', response: { 200: StationsResponse } } }, () =>
    listStations(deps),
  );

  app.get(
    '/search',
    {
      schema: {
        tags: ['catalog'],
        summary: 'Trips from one station to another on a date, with fares and seats available per class',
        querystring: SearchQuery,
        response: { 200: SearchResponse, ...problemResponses(400) },
      },
    },
    (request) => searchTrips(deps, request.query),
  );

  app.get(
    '/trips/:tripId',
    {
      schema: {
        tags: ['catalog'],
        summary: 'A trip with its stops and times',
        params: TripParams,
        response: { 200: TripDetail, ...problemResponses(400, 404) },
      },
    },
    (request) => getTrip(deps, request.params.tripId),
  );

  app.get(
    '/trips/:tripId/seats',
    {
      schema: {
        tags: ['catalog'],
        summary: 'The seat map of a trip with each seat’s status for a segment (whole route by default)',
        params: TripParams,
        querystring: SeatMapQuery,
        response: { 200: SeatMap, ...problemResponses(400, 401, 403, 404, 503) },
      },
      // Before the map (and before train's own cache of it) is looked at.
      preHandler: async (request, reply) => {
        const date = await guardedSaleOf(deps, request.params.tripId);
        if (date === null) return;
        // A guarded answer is for whoever asked: no cache keeps it. X-Accel-Expires (read by the gateway only)
        // goes on every answer that depends on the credentials sent; the 401 to a request without any is the same
        // for everyone, and the gateway keeps it like the map (see gateway/nginx.conf.template).
        reply.header('cache-control', 'private, no-store');
        if (request.headers.authorization !== undefined || request.headers[QUEUE_PASS_HEADER] !== undefined) {
          reply.header('x-accel-expires', '0');
        }
        // A pass is bound to a user: while the room is active the map needs a sign-in.
        if (request.headers.authorization === undefined) throw signInRequired(date);
        await app.authenticate(request, reply);
        checkSalePass(deps, { date, userId: requireUser(request).id, pass: request.headers[QUEUE_PASS_HEADER] });
      },
    },
    (request) => getSeatMap(deps, request.params.tripId, request.query),
  );
};
