/**
 * Reads a booking from the booking service (GET /internal/bookings/:id) to learn its owner, status and the
 * amount to charge, through the shared service client. Any failure to get a trustworthy answer in time
 * (unreachable, slow, failing, off-contract, breaker open) is a 503 BOOKING_SERVICE_* with Retry-After: the
 * client may retry, and nothing has been written.
 */
import { InternalBooking } from '@rail/contracts/booking';
import { createServiceClient, type RequestContext, type ServiceClientOptions } from '@rail/service-client';

/** The booking service's internal booking view (packages/contracts/src/booking.ts); extra fields are ignored. */
export const BookingForPayment = InternalBooking;
export type BookingForPayment = InternalBooking;

export interface BookingClient {
  /** The booking, or null when the booking service does not know it. */
  getBooking(bookingId: string, context?: RequestContext): Promise<BookingForPayment | null>;
}

export interface HttpBookingClientOptions {
  baseUrl: string;
  timeoutMs: number;
  /** The breaker in front of the booking service; default: the service client's. */
  breaker?: ServiceClientOptions['breaker'];
}

export function createHttpBookingClient(options: HttpBookingClientOptions): BookingClient {
  const booking = createServiceClient({
    service: 'booking',
    baseUrl: options.baseUrl,
    timeoutMs: options.timeoutMs,
    retryAfterSeconds: 2,
    ...(options.breaker === undefined ? {} : { breaker: options.breaker }),
  });
  return {
    getBooking: (bookingId, context) =>
      booking.get(`/internal/bookings/${encodeURIComponent(bookingId)}`, BookingForPayment, context ? { context } : {}),
  };
}
