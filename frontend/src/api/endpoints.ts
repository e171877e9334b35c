/** Every endpoint the SPA calls, typed by its request and response shapes. */
import type { ApiClient, RequestOptions, WithMeta } from './client.js';
import { isApiError } from './errors.js';
import { queueHeaders, rememberTripDate } from './queue-pass.js';
import { sessionFromTokens } from './session.js';
import type {
  AllocateSeatsRequest,
  Booking,
  BookingId,
  BookingList,
  ConfirmRequest,
  ConfirmResponse,
  HoldResponse,
  JoinWaitlistBody,
  JoinWaitlistResponse,
  LeaveWaitlistResponse,
  LoginRequest,
  Payment,
  Place,
  RegisterRequest,
  Sale,
  SearchResponse,
  SeatMap,
  SelectSeatIdsRequest,
  StationsResponse,
  TicketQr,
  TokenResponse,
  TripDetail,
  User,
  VerifyOtpResponse,
  VerifyPaymentRequest,
  VerifyPaymentResponse,
  WaitlistList,
} from './types.js';

export type Api = ReturnType<typeof createApi>;

const enc = encodeURIComponent;

/** The trip's X-Queue-Pass (when this tab holds one for its date) merged into the request's headers. */
const withPass = (tripId: number | undefined, o: RequestOptions = {}): RequestOptions => {
  const pass = queueHeaders(tripId);
  return pass ? { ...o, headers: { ...o.headers, ...pass } } : o;
};

/** A 403 QUEUE_REQUIRED (or a guarded map's 401) names the trip's sale date: remember it, so the pass won there goes with this trip. */
const learnSaleDate = <T>(tripId: number | undefined, request: Promise<T>): Promise<T> =>
  request.catch((err: unknown) => {
    if (tripId !== undefined && isApiError(err) && err.needsQueue && err.queueDate) rememberTripDate(tripId, err.queueDate);
    throw err;
  });

export function createApi(client: ApiClient) {
  return {
    client,
    stations: (o?: RequestOptions) => client.get<StationsResponse>('/api/trains/stations', { auth: false, ...o }),
    search: (q: { from: string; to: string; date: string }, o?: RequestOptions) =>
      client.get<SearchResponse>('/api/trains/search', { auth: false, query: q, ...o }),
    trip: (tripId: number, o?: RequestOptions) => client.get<TripDetail>(`/api/trains/trips/${tripId}`, { auth: false, ...o }),
    /**
     * The seat map with its headers and arrival time (how old it is). Anonymous (and so shared by the gateway's
     * micro-cache) unless this tab holds the date's queue pass: a pass is bound to its account, so it goes with
     * the access token.
     */
    seats: (tripId: number, seg: { from?: string; to?: string }, o?: RequestOptions): Promise<WithMeta<SeatMap>> =>
      learnSaleDate(
        tripId,
        client.requestWithMeta<SeatMap>(
          'GET',
          `/api/trains/trips/${tripId}/seats`,
          withPass(tripId, { auth: queueHeaders(tripId) !== undefined, query: seg, ...o }),
        ),
      ),

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

    selectSeats: (body: SelectSeatIdsRequest, o?: RequestOptions) =>
      learnSaleDate(body.tripId, client.post<HoldResponse>('/api/bookings/seats/select', body, withPass(body.tripId, o))),
    /** "Pick seats for me": the service chooses `count` seats of the class (409 NOT_ENOUGH_SEATS with seatsLeft). */
    allocateSeats: (body: AllocateSeatsRequest, o?: RequestOptions) =>
      learnSaleDate(body.tripId, client.post<HoldResponse>('/api/bookings/seats/select', body, withPass(body.tripId, o))),
    /** `tripId` picks the queue pass of the booking's sale date. */
    confirm: (body: ConfirmRequest, o?: RequestOptions & { tripId?: number }) =>
      learnSaleDate(o?.tripId, client.post<ConfirmResponse>('/api/bookings/seats/confirm', body, withPass(o?.tripId, o))),
    verifyOtp: (id: BookingId, otp: string, o?: RequestOptions) =>
      client.post<VerifyOtpResponse>(`/api/bookings/${enc(id)}/verify-otp`, { otp }, o),
    booking: (id: BookingId, o?: RequestOptions) => client.get<Booking>(`/api/bookings/${enc(id)}`, o),
    bookings: (page: { limit?: number; cursor?: string } = {}, o?: RequestOptions) =>
      client.get<BookingList>('/api/bookings', { query: page, ...o }),
    cancel: (id: BookingId, o?: RequestOptions) =>
      client.delete<{ bookingId: BookingId; status: Booking['status'] }>(`/api/bookings/${enc(id)}`, o),

    joinWaitlist: (body: JoinWaitlistBody, o?: RequestOptions) =>
      client.post<JoinWaitlistResponse>('/api/bookings/waitlist', body, o),
    waitlist: (o?: RequestOptions) => client.get<WaitlistList>('/api/bookings/waitlist', o),
    leaveWaitlist: (id: string, o?: RequestOptions) =>
      client.delete<LeaveWaitlistResponse>(`/api/bookings/waitlist/${enc(id)}`, o),

    /** A sale date's opening time, room and seats left (public). */
    sale: (date: string, o?: RequestOptions) => client.get<Sale>(`/api/queue/sales/${enc(date)}`, { auth: false, ...o }),
    joinQueue: (date: string, o?: RequestOptions) => client.post<Place>(`/api/queue/sales/${enc(date)}/join`, undefined, o),
    /** My place in the room; each call is the check-in that keeps it (404 NOT_IN_QUEUE when there is none). */
    queuePlace: (date: string, o?: RequestOptions) => client.get<Place>(`/api/queue/sales/${enc(date)}/me`, o),

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
