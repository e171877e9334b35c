/**
 * The API shapes the SPA talks to, in one place: the services' own TypeBox contracts from @rail/contracts
 * (the one schema), imported as types only, so no server code is bundled. Only the problem body and a few
 * UI-side aliases are written here.
 */
import type { SeatMap, SearchResponse, SearchTrip, StationsResponse, Station, TripDetail } from '@rail/contracts/train';
import type { SeatClass, SeatStatus } from '@rail/contracts/common';
import type { AuthUserView, LoginBody, RegisterBody, TokenResponse as ContractTokenResponse } from '@rail/contracts/auth';
import type {
  AllocateSeatsBody,
  BookedSeat,
  JoinWaitlistBody,
  JoinWaitlistResponse,
  LeaveWaitlistResponse,
  SeatPreference,
  SelectSeatIdsBody,
  WaitlistEntryView,
  WaitlistList,
  WaitlistStatus,
  BookingList,
  BookingStatus,
  BookingView,
  ConfirmSeatsBody,
  ConfirmSeatsResponse,
  Passenger,
  SeatEvent,
  SelectSeatsBody,
  SelectSeatsResponse,
  VerifyOtpResponse,
} from '@rail/contracts/booking';
import type { InitiatePaymentResponse, PaymentMethod, VerifyPaymentBody, VerifyPaymentResponse } from '@rail/contracts/payment';
import type { TicketQrResponse } from '@rail/contracts/notification';
import type { PlaceResponse, SaleResponse, SaleStatus } from '@rail/contracts/queue';

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
  /** NOT_ENOUGH_SEATS (NotEnoughSeatsProblem): free seats of the class for the segment. */
  seatsLeft?: number;
  /** QUEUE_REQUIRED (QueueRequiredProblem): the sale's date, and its path under /api/queue. */
  date?: string;
  queue?: string;
  /** OTP_INVALID (booking): wrong codes left before the hold is released. */
  attemptsLeft?: number;
  /** INVALID_TRANSITION, BOOKING_NOT_HELD, HOLD_EXPIRED, BOOKING_EXPIRED: the booking's status. */
  bookingStatus?: string;
}

// --- auth ---
export type User = AuthUserView;
export type RegisterRequest = RegisterBody;
export type LoginRequest = LoginBody;
export type TokenResponse = ContractTokenResponse;

// --- booking ---
export type BookingId = string;
export type { BookingStatus, BookedSeat, Passenger };
export type SelectSeatsRequest = SelectSeatsBody;
/** Choosing the seats on the map. */
export type SelectSeatIdsRequest = SelectSeatIdsBody;
/** "Pick seats for me": class and count, the service chooses. */
export type AllocateSeatsRequest = AllocateSeatsBody;
export type { SeatPreference };
export type HoldResponse = SelectSeatsResponse;
export type ConfirmRequest = ConfirmSeatsBody;
export type ConfirmResponse = ConfirmSeatsResponse;
export type { VerifyOtpResponse, BookingList };
/**
 * A booking as GET /api/bookings/:id returns it. `qr` is the signed e-ticket string, if the booking API
 * ever carries it; the ticket page asks the notification service for it (TicketQr).
 */
export type Booking = BookingView & { qr?: string | null };

// --- waitlist (a sold-out class) ---
export type WaitlistEntry = WaitlistEntryView;
export type { JoinWaitlistBody, JoinWaitlistResponse, LeaveWaitlistResponse, WaitlistList, WaitlistStatus };

// --- waiting room (queue service) ---
/** GET /api/queue/sales/:date. */
export type Sale = SaleResponse;
/** POST /api/queue/sales/:date/join and GET .../me: my place in the room. */
export type Place = PlaceResponse;
export type { SaleStatus };

// --- payment ---
export type { PaymentMethod, VerifyPaymentResponse };
export type Payment = InitiatePaymentResponse;
export type VerifyPaymentRequest = VerifyPaymentBody;

// --- notification ---
/** GET /api/notifications/tickets/:bookingId: the signed e-ticket string a checker verifies (owner only). */
export type TicketQr = TicketQrResponse;

export type { SeatEvent };
