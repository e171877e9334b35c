/** Service-to-service endpoints (never routed by the gateway): availability for train, booking lookup for payment. */
import { InternalBooking, BookingIdParams } from '@rail/contracts/booking';
import { AvailabilityQuery, AvailabilityResult } from '@rail/contracts/train-internal';
import { problemResponses, type FastifyPluginAsyncTypebox } from '@rail/http';
import type { BookingDeps } from '../../deps.js';
import { getAvailability, type AvailabilityCache } from '../../use-cases/get-availability.js';
import { getInternalBooking } from '../../use-cases/read-bookings.js';

export interface InternalRoutesOptions {
  deps: BookingDeps;
  availability: AvailabilityCache;
}

export const internalRoutes: FastifyPluginAsyncTypebox<InternalRoutesOptions> = async (app, { deps, availability }) => {
  app.post(
    '/availability',
    {
      schema: {
        summary: 'Held and booked seats per trip and segment (cached for at most a second)',
        body: AvailabilityQuery,
        response: { 200: AvailabilityResult, ...problemResponses(400, 503) },
      },
    },
    async (request) => getAvailability(deps, availability, request.body),
  );

  app.get(
    '/bookings/:id',
    {
      schema: {
        summary: 'A booking as the payment service needs it',
        params: BookingIdParams,
        response: { 200: InternalBooking, ...problemResponses(400, 404) },
      },
    },
    async (request) => getInternalBooking(deps, request.params.id),
  );
};
