/**
 * Where a missing e-ticket is re-issued from: the booking service's owner view (GET /api/bookings/:id, asked
 * with the traveller's own bearer token, so the booking service itself decides whose booking it is) and the
 * train service's trip (GET /api/trains/trips/:tripId, for the date the QR carries). Both through the shared
 * service client: a slow or unreachable upstream is a 503 with Retry-After, never a wrong ticket.
 * The internal booking view (GET /internal/bookings/:id) is not enough: it has no reference, seats or passengers.
 */
import { BookingView } from '@rail/contracts/booking';
import { TripDetail } from '@rail/contracts/train';
import { createServiceClient, UpstreamRejectedError } from '@rail/service-client';
import type { TicketBooking } from '../domain/ticket-qr.js';

export interface TicketSource {
  /** The caller's booking if it is CONFIRMED, with what its ticket carries; null when it is not (or not theirs). */
  confirmedBooking(bookingId: string, authorization: string): Promise<TicketBooking | null>;
}

export interface HttpTicketSourceOptions {
  bookingUrl: string;
  trainUrl: string;
  timeoutMs: number;
}

export function createHttpTicketSource(options: HttpTicketSourceOptions): TicketSource {
  const booking = createServiceClient({ service: 'booking', baseUrl: options.bookingUrl, timeoutMs: options.timeoutMs });
  const train = createServiceClient({ service: 'train', baseUrl: options.trainUrl, timeoutMs: options.timeoutMs });
  return {
    async confirmedBooking(bookingId, authorization) {
      let view: BookingView | null;
      try {
        view = await booking.get(`/api/bookings/${encodeURIComponent(bookingId)}`, BookingView, {
          headers: { authorization },
        });
      } catch (err) {
        // The booking service refusing the traveller's own request (their token, the id) means no ticket for them.
        if (err instanceof UpstreamRejectedError) return null;
        throw err;
      }
      if (!view || view.status !== 'CONFIRMED' || view.reference === null) return null;
      const trip = await train.get(`/api/trains/trips/${view.tripId}`, TripDetail);
      if (!trip) throw new Error(`trip ${view.tripId} of confirmed booking ${view.bookingId} is unknown to the train service`);
      return {
        bookingId: view.bookingId,
        reference: view.reference,
        tripId: view.tripId,
        date: trip.date,
        from: view.from,
        to: view.to,
        seats: view.seats,
        passengers: view.passengers.length,
      };
    },
  };
}
