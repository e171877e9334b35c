/** Service-to-service endpoints (never routed by the gateway): availability for train, booking lookup for payment. */
import { InternalBooking, BookingIdParams } from '@rail/contracts/booking';
import { AvailabilityQuery, AvailabilityResult } from '@rail/contracts/train-internal';
import { NotFoundError } from '@rail/errors';
import { problemResponses, type FastifyPluginAsyncTypebox } from '@rail/http';
import { findBooking } from '../../db/bookings-repo.js';
import type { BookingDeps } from '../../deps.js';
import { getAvailability, type AvailabilityCache } from '../../use-cases/get-availability.js';

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
    async (request) => {
      const row = await findBooking(deps.pool, request.params.id);
      if (!row) throw new NotFoundError('Booking not found', 'BOOKING_NOT_FOUND');
      return {
        bookingId: row.id,
        userId: row.user_id,
        // Past its time but not yet swept by the expiry job: it is expired all the same.
        status: row.overdue && (row.status === 'HELD' || row.status === 'PENDING_PAYMENT') ? ('EXPIRED' as const) : row.status,
        amount: row.amount,
        currency: 'BDT' as const,
        expiresAt: row.expires_at ? row.expires_at.toISOString() : null,
        tripId: row.trip_id,
      };
    },
  );
};
