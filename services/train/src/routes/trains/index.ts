/** Public catalog routes under /api/trains: stations, search, trip details and seat maps. */
import { problemResponses, type FastifyPluginAsyncTypebox } from '@rail/http';
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
        response: { 200: SeatMap, ...problemResponses(400, 404, 503) },
      },
    },
    (request) => getSeatMap(deps, request.params.tripId, request.query),
  );
};
