/**
 * The booking state machine, pure: which action moves which status where. Every transition is
 * idempotent (repeating an action on its own result is a no-op); anything else is refused with a typed error.
 *
 *   HELD --verifyOtp--> PENDING_PAYMENT --pay--> CONFIRMED --cancel--> CANCELLED
 *   HELD | PENDING_PAYMENT --expire--> EXPIRED
 *   HELD | PENDING_PAYMENT --release--> CANCELLED   (the user lets go, or too many wrong OTPs)
 */
import { ConflictError } from '@rail/errors';
import type { BookingStatus } from '@rail/contracts/booking';

export type BookingAction = 'verifyOtp' | 'pay' | 'expire' | 'release' | 'cancel';

export class InvalidTransitionError extends ConflictError {
  readonly from: BookingStatus;
  readonly action: BookingAction;

  constructor(from: BookingStatus, action: BookingAction) {
    super('INVALID_TRANSITION', `A ${from} booking cannot be ${PAST[action]}`, { bookingStatus: from });
    this.from = from;
    this.action = action;
  }
}

const PAST: Record<BookingAction, string> = {
  verifyOtp: 'verified',
  pay: 'paid',
  expire: 'expired',
  release: 'released',
  cancel: 'cancelled',
};

const TABLE: Record<BookingAction, { from: readonly BookingStatus[]; to: BookingStatus }> = {
  verifyOtp: { from: ['HELD'], to: 'PENDING_PAYMENT' },
  pay: { from: ['PENDING_PAYMENT'], to: 'CONFIRMED' },
  expire: { from: ['HELD', 'PENDING_PAYMENT'], to: 'EXPIRED' },
  release: { from: ['HELD', 'PENDING_PAYMENT'], to: 'CANCELLED' },
  cancel: { from: ['CONFIRMED'], to: 'CANCELLED' },
};

export interface Transition {
  from: BookingStatus;
  to: BookingStatus;
  /** False when the booking already was in the target state (an idempotent repeat). */
  changed: boolean;
}

export function transition(from: BookingStatus, action: BookingAction): Transition {
  const rule = TABLE[action];
  if (from === rule.to) return { from, to: from, changed: false };
  if (!rule.from.includes(from)) throw new InvalidTransitionError(from, action);
  return { from, to: rule.to, changed: true };
}

/** Where `action` leads (for statements that apply one action to many rows at once). */
export function targetOf(action: BookingAction): BookingStatus {
  return TABLE[action].to;
}

/** Statuses whose seats are taken (the rows the exclusion constraint covers). */
export const ACTIVE_STATUSES: readonly BookingStatus[] = ['HELD', 'PENDING_PAYMENT', 'CONFIRMED'];
/** Statuses that run out at expires_at. */
export const EXPIRING_STATUSES: readonly BookingStatus[] = TABLE.expire.from;

export function isActive(status: BookingStatus): boolean {
  return ACTIVE_STATUSES.includes(status);
}
