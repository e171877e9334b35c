/** Turns any failure into one calm sentence for the traveller, in their language. */
import { isApiError } from '../api/errors.js';
import type { I18n } from '../i18n/i18n.js';

export function describeError(err: unknown, t: I18n['t']): string {
  if (!isApiError(err)) return t('genericError');
  if (err.status === 0) return t('network');
  // The waiting room's codes (QueueErrorCode), before the generic statuses they come with.
  if (err.code === 'QUEUE_REQUIRED') return t('queueRequired');
  if (err.code === 'QUEUE_UNAVAILABLE') return t('queueUnavailable');
  if (err.code === 'NOT_IN_QUEUE') return t('notInQueue');
  if (err.code === 'SALE_CLOSED') return t('saleClosed');
  if (err.code === 'PHONE_ALREADY_QUEUED') return t('phoneAlreadyQueued');
  // The booking service's waitlist codes.
  if (err.code === 'WAITLIST_SEATS_AVAILABLE') return t('waitlistSeatsFree');
  if (err.code === 'WAITLIST_DUPLICATE') return t('waitlistAlready');
  if (err.code === 'WAITLIST_CLOSED') return t('waitlistClosed');
  if (err.code === 'WAITLIST_NOT_FOUND' || err.code === 'WAITLIST_ENTRY_CLOSED' || err.code === 'WAITLIST_NOT_WAITING')
    return t('waitlistGone');
  if (err.code === 'NOT_ENOUGH_SEATS') return t('notEnoughSeats', { n: err.seatsLeft ?? 0 });
  if (err.status === 429) return t('busyGaveUp');
  if (err.status === 503 || err.status === 502 || err.status === 504) return t('unavailable');
  if (err.status === 404) return t('notFound');
  if (err.code === 'SEAT_UNAVAILABLE') return t('seatTaken', { seats: err.seatIds.join(', ') });
  if (err.code === 'LIMIT_EXCEEDED') return t('limitExceeded');
  // The Idempotency-Key protocol's codes (@rail/idempotency), the same from every service.
  if (err.code === 'IDEMPOTENCY_REQUEST_IN_PROGRESS') return t('requestInProgress');
  if (err.code === 'IDEMPOTENCY_KEY_REUSED') return t('requestChanged');
  if (err.code === 'IDEMPOTENCY_KEY_INVALID') return t('requestKeyInvalid');
  // Another attempt on the same payment is still at the provider (a double submit, a second tab).
  if (err.code === 'PAYMENT_IN_PROGRESS') return t('paymentInProgress');
  // A NUL character anywhere in the request (@rail/http's text guard, every service).
  if (err.code === 'INVALID_TEXT') return t('invalidText');
  if (err.status >= 500) return t('genericError');
  // 4xx problems carry a human detail written by the service (English); better than a generic line.
  return err.problem.detail ?? err.problem.title ?? t('genericError');
}
