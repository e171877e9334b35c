/**
 * The waitlist entry, pure: which moves an entry may make and the event each causes (built here only).
 *
 *   WAITING --offer--> OFFERED --booked--> BOOKED
 *   OFFERED --offer-expired--> EXPIRED          (the offer's hold ran out unpaid; its seats moved on)
 *   WAITING | OFFERED --left--> LEFT            (the traveller left or let the offer go)
 *   WAITING --cut-off--> CLOSED                 (still waiting at the cut-off before departure)
 * Every move is idempotent: repeating it on its result is a no-op (null).
 */
import type { BookedSeat, WaitlistStatus } from '@rail/contracts/booking';
import type { EventDataOf } from '@rail/contracts/events';
import { ConflictError } from '@rail/errors';
import { toContact, type Contact } from './booking.js';

export interface WaitlistEntryRow {
  id: string;
  seq: string;
  user_id: string;
  trip_id: number;
  from_code: string;
  to_code: string;
  from_index: number;
  to_index: number;
  class: string;
  seat_count: number;
  status: WaitlistStatus;
  offer_booking_id: string;
  offer_expires_at: Date | null;
  contact_phone: string | null;
  contact_email: string | null;
  contact_name: string | null;
  train_name: string;
  train_number: string;
  trip_date: string;
  departs_at: Date | null;
  close_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

export type CloseReason = EventDataOf<'booking.waitlist-closed'>['reason'];
export type WaitlistEvent =
  | { type: 'booking.waitlisted'; data: EventDataOf<'booking.waitlisted'> }
  | { type: 'booking.waitlist-offered'; data: EventDataOf<'booking.waitlist-offered'> }
  | { type: 'booking.waitlist-closed'; data: EventDataOf<'booking.waitlist-closed'> };

export interface WaitlistChange {
  waitlistId: string;
  from: WaitlistStatus;
  to: WaitlistStatus;
  offerExpiresAt?: Date;
  closeReason?: CloseReason;
  event: WaitlistEvent;
}

const CLOSE_TO: Record<CloseReason, { from: WaitlistStatus[]; to: WaitlistStatus }> = {
  booked: { from: ['OFFERED'], to: 'BOOKED' },
  'offer-expired': { from: ['OFFERED'], to: 'EXPIRED' },
  left: { from: ['WAITING', 'OFFERED'], to: 'LEFT' },
  'cut-off': { from: ['WAITING'], to: 'CLOSED' },
};

export function contactOfEntry(e: WaitlistEntryRow): Contact {
  return toContact({ phone: e.contact_phone, email: e.contact_email, name: e.contact_name });
}

function segmentOf(e: WaitlistEntryRow) {
  return { tripId: e.trip_id, from: e.from_code, to: e.to_code, class: e.class as EventDataOf<'booking.waitlisted'>['class'] };
}

function tripOf(e: WaitlistEntryRow) {
  return { trainName: e.train_name, trainNumber: e.train_number, date: e.trip_date };
}

/** A new WAITING entry at `position`: booking.waitlisted. */
export function joined(e: WaitlistEntryRow, position: number): WaitlistEvent {
  return {
    type: 'booking.waitlisted',
    data: { waitlistId: e.id, userId: e.user_id, ...segmentOf(e), count: e.seat_count, position },
  };
}

/** WAITING -> OFFERED: the seats Redis gave it, held until `expiresAt`. Null when it already is. */
export function offer(e: WaitlistEntryRow, seats: BookedSeat[], amount: number, expiresAt: Date): WaitlistChange | null {
  if (e.status === 'OFFERED') return null;
  if (e.status !== 'WAITING')
    throw new ConflictError('WAITLIST_NOT_WAITING', `A ${e.status} waitlist entry cannot be offered seats`);
  return {
    waitlistId: e.id,
    from: e.status,
    to: 'OFFERED',
    offerExpiresAt: expiresAt,
    event: {
      type: 'booking.waitlist-offered',
      data: {
        waitlistId: e.id,
        bookingId: e.offer_booking_id,
        userId: e.user_id,
        contact: contactOfEntry(e),
        ...segmentOf(e),
        ...tripOf(e),
        seats,
        amount,
        expiresAt: expiresAt.toISOString(),
      },
    },
  };
}

/** The entry ends for `reason`; null when it already ended that way, refused from a state that cannot. */
export function close(e: WaitlistEntryRow, reason: CloseReason): WaitlistChange | null {
  const rule = CLOSE_TO[reason];
  if (e.status === rule.to) return null;
  if (!rule.from.includes(e.status)) {
    throw new ConflictError('WAITLIST_ENTRY_CLOSED', `The waitlist entry is already ${e.status}`, { waitlistStatus: e.status });
  }
  return {
    waitlistId: e.id,
    from: e.status,
    to: rule.to,
    closeReason: reason,
    event: {
      type: 'booking.waitlist-closed',
      data: {
        waitlistId: e.id,
        userId: e.user_id,
        contact: contactOfEntry(e),
        ...segmentOf(e),
        ...tripOf(e),
        count: e.seat_count,
        reason,
        bookingId: e.status === 'OFFERED' ? e.offer_booking_id : null,
      },
    },
  };
}

/** The close reason an offered booking's end gives its entry (null: the entry does not change). */
export function reasonForBooking(status: string, cancelReason: string | null): CloseReason | null {
  if (status === 'CONFIRMED') return 'booked';
  if (status === 'EXPIRED') return 'offer-expired';
  if (status === 'CANCELLED') return cancelReason === 'RELEASED_BY_USER' ? 'left' : 'offer-expired';
  return null;
}
