/** Every endpoint the SPA calls, typed by its request and response shapes. */
import type { ApiClient, RequestOptions } from './client.js';
import { sessionFromTokens } from './session.js';
import type {
  Booking,
  BookingId,
  BookingList,
  ConfirmRequest,
  ConfirmResponse,
  HoldResponse,
  LoginRequest,
  Payment,
  RegisterRequest,
  SearchResponse,
  SeatMap,
  SelectSeatsRequest,
  StationsResponse,
  TicketQr,
  TokenResponse,
  TripDetail,
  User,
  VerifyOtpResponse,
  VerifyPaymentRequest,
  VerifyPaymentResponse,
} from './types.js';

export type Api = ReturnType<typeof createApi>;

const enc = encodeURIComponent;

export function createApi(client: ApiClient) {
  return {
    client,
    stations: (o?: RequestOptions) => client.get<StationsResponse>('/api/trains/stations', { auth: false, ...o }),
    search: (q: { from: string; to: string; date: string }, o?: RequestOptions) =>
      client.get<SearchResponse>('/api/trains/search', { auth: false, query: q, ...o }),
    trip: (tripId: number, o?: RequestOptions) => client.get<TripDetail>(`/api/trains/trips/${tripId}`, { auth: false, ...o }),
    seats: (tripId: number, seg: { from?: string; to?: string }, o?: RequestOptions) =>
      client.get<SeatMap>(`/api/trains/trips/${tripId}/seats`, { auth: false, query: seg, ...o }),

    register: (body: RegisterRequest, o?: RequestOptions) =>
      client.post<{ user: User }>('/api/auth/register', body, { auth: false, ...o }),
    async login(body: LoginRequest, o?: RequestOptions): Promise<TokenResponse> {
      const tokens = await client.post<TokenResponse>('/api/auth/login', body, { auth: false, ...o });
      client.session.set(sessionFromTokens(tokens));
      return tokens;
    },
    async logout(): Promise<void> {
      const s = client.session.get();
      client.session.set(null);
      if (s)
        await client
          .post('/api/auth/logout', { refreshToken: s.refreshToken }, { auth: false, retryBusy: false })
          .catch(() => undefined);
    },

    selectSeats: (body: SelectSeatsRequest, o?: RequestOptions) =>
      client.post<HoldResponse>('/api/bookings/seats/select', body, o),
    confirm: (body: ConfirmRequest, o?: RequestOptions) => client.post<ConfirmResponse>('/api/bookings/seats/confirm', body, o),
    verifyOtp: (id: BookingId, otp: string, o?: RequestOptions) =>
      client.post<VerifyOtpResponse>(`/api/bookings/${enc(id)}/verify-otp`, { otp }, o),
    booking: (id: BookingId, o?: RequestOptions) => client.get<Booking>(`/api/bookings/${enc(id)}`, o),
    bookings: (page: { limit?: number; cursor?: string } = {}, o?: RequestOptions) =>
      client.get<BookingList>('/api/bookings', { query: page, ...o }),
    cancel: (id: BookingId, o?: RequestOptions) =>
      client.delete<{ bookingId: BookingId; status: Booking['status'] }>(`/api/bookings/${enc(id)}`, o),

    initiatePayment: (bookingId: BookingId, o?: RequestOptions) =>
      client.post<Payment>('/api/payments/initiate', { bookingId }, o),
    verifyPayment: (body: VerifyPaymentRequest, o?: RequestOptions) =>
      client.post<VerifyPaymentResponse>('/api/payments/verify', body, o),

    /** The booking's signed e-ticket QR from the notification service; 404 until issued, or when cancelled. */
    ticketQr: (id: BookingId, o?: RequestOptions) =>
      client.get<TicketQr>(`/api/notifications/tickets/${enc(id)}`, { retryBusy: false, ...o }),

    seatEventsUrl: (tripId: number) => `/api/bookings/trips/${tripId}/seat-events`,
  };
}
