/**
 * Reads a booking from the booking service (GET /internal/bookings/:id) to learn its owner, status and the
 * amount to charge. Any failure to get a trustworthy answer in time is a 503 with Retry-After: the client
 * may retry, and nothing has been written.
 */
import { Value } from '@sinclair/typebox/value';
import { AppError } from '@rail/errors';
import { InternalBooking } from '@rail/contracts/booking';

/** The booking service's internal booking view (packages/contracts/src/booking.ts); extra fields are ignored. */
export const BookingForPayment = InternalBooking;
export type BookingForPayment = InternalBooking;

export interface BookingClient {
  /** The booking, or null when the booking service does not know it. */
  getBooking(bookingId: string): Promise<BookingForPayment | null>;
}

export class BookingServiceUnavailableError extends AppError {
  constructor(detail: string) {
    super(503, 'BOOKING_SERVICE_UNAVAILABLE', 'The booking service is not answering; try again shortly', {
      retryAfter: 2,
      detail,
    });
  }
}

export interface HttpBookingClientOptions {
  baseUrl: string;
  timeoutMs: number;
}

export function createHttpBookingClient(options: HttpBookingClientOptions): BookingClient {
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    async getBooking(bookingId) {
      let response: Response;
      try {
        response = await fetch(`${base}/internal/bookings/${encodeURIComponent(bookingId)}`, {
          headers: { accept: 'application/json' },
          signal: AbortSignal.timeout(options.timeoutMs),
        });
      } catch {
        throw new BookingServiceUnavailableError('The booking service could not be reached; try again shortly.');
      }
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw new BookingServiceUnavailableError(`The booking service answered ${response.status}; try again shortly.`);
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new BookingServiceUnavailableError('The booking service sent an unreadable answer; try again shortly.');
      }
      if (!Value.Check(BookingForPayment, body)) {
        throw new BookingServiceUnavailableError('The booking service sent an unexpected answer; try again shortly.');
      }
      return body;
    },
  };
}
