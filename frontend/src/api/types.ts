/**
 * The API shapes the SPA talks to, in one place. Train types come straight from @rail/contracts (type-only
 * imports: nothing of the server is bundled). Booking, auth and payment are written here from their issue
 * texts until their contract files land; switching each to `Static<typeof X>` from
 * `@rail/contracts/<service>` is a one-line change per type.
 */
import type { SeatMap, SearchResponse, SearchTrip, StationsResponse, Station, TripDetail } from '@rail/contracts/train';
import type { SeatClass, SeatStatus } from '@rail/contracts/common';

export type { SeatMap, SearchResponse, SearchTrip, StationsResponse, Station, TripDetail, SeatClass, SeatStatus };
export type Coach = SeatMap['coaches'][number];
export type Seat = Coach['seats'][number];

/** RFC 9457 problem body, as every service and the gateway send it. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code?: string;
  requestId?: string;
  errors?: { field: string; message: string }[];
  /** SEAT_UNAVAILABLE: the seats that were taken. */
  seatIds?: number[];
}

// --- auth (issue 4) ---
export interface User {
  id: string;
  name: string;
  email: string;
  phone: string;
}
export interface RegisterRequest {
  name: string;
  email: string;
  phone: string;
  password: string;
}
export interface LoginRequest {
  email: string;
  password: string;
}
export interface TokenResponse {
  token: string;
  refreshToken: string;
  expiresIn: number;
  user?: User;
}

// --- booking (issue 3, 5) ---
export type BookingId = string;
export type BookingStatus = 'HELD' | 'PENDING_PAYMENT' | 'CONFIRMED' | 'EXPIRED' | 'CANCELLED';
export interface BookedSeat {
  seatId: number;
  label: string;
  coach: string;
}
export interface Passenger {
  name: string;
  age?: number;
  gender?: 'male' | 'female' | 'other';
}
export interface SelectSeatsRequest {
  tripId: number;
  seatIds: number[];
  from?: string;
  to?: string;
}
export interface HoldResponse {
  bookingId: BookingId;
  status: 'HELD';
  expiresAt: string;
  tripId: number;
  from: string;
  to: string;
  seats: BookedSeat[];
  amount: number;
}
export interface ConfirmRequest {
  bookingId: BookingId;
  passengers: Passenger[];
}
export interface ConfirmResponse {
  bookingId?: BookingId;
  status?: BookingStatus;
  expiresAt?: string;
  /** Development only (OTP_DEV_ECHO=true): the code that was sent. */
  devOtp?: string;
}
export interface VerifyOtpResponse {
  status: BookingStatus;
}
export interface Booking {
  bookingId: BookingId;
  status: BookingStatus;
  tripId: number;
  from: string;
  to: string;
  expiresAt?: string | null;
  amount: number;
  seats: BookedSeat[];
  passengers?: Passenger[];
  createdAt?: string;
  /** Set once CONFIRMED. */
  reference?: string | null;
  /** Set once CONFIRMED: the text a ticket checker scans. */
  qrPayload?: string | null;
  trainName?: string;
  trainNumber?: string;
  date?: string;
}
export interface BookingList {
  bookings: Booking[];
  nextCursor?: string | null;
}

// --- payment (issue 5) ---
export type PaymentMethod = 'card' | 'bkash' | 'nagad';
export interface Payment {
  paymentId: string;
  bookingId: BookingId;
  amount: number;
  currency: 'BDT';
  status: 'INITIATED' | 'SUCCEEDED' | 'FAILED';
}
export interface VerifyPaymentRequest {
  paymentId: string;
  method: PaymentMethod;
  cardNumber?: string;
  expiry?: string;
  cvc?: string;
  walletNumber?: string;
}
export interface VerifyPaymentResponse {
  paymentId: string;
  status: 'SUCCEEDED' | 'FAILED';
  reason?: string;
}

/** One message of the live seat stream: seats of a trip changed state for a segment. */
export interface SeatEvent {
  tripId: number;
  seatIds: number[];
  status: SeatStatus;
  from?: string;
  to?: string;
}
