/**
 * Sends the e-ticket (SMS and e-mail, each where the contact has one) with its signed QR payload. Keyed by
 * booking id: a booking's ticket goes out once, whether the event, a redelivery or the API asks for it.
 * The first signed QR is kept (notification_db `tickets`) for the owner's e-ticket page, and every message
 * carries that same string; a booking already cancelled (its cancellation overtook the confirmation) gets no ticket.
 */
import type { EventDataOf } from '@rail/contracts/events';
import type { SendResponse } from '@rail/contracts/notification';
import type { UseCaseDeps } from '../deps.js';
import { renderTicket } from '../domain/render.js';
import { ticketClaims } from '../domain/ticket-qr.js';

export async function sendTicket(deps: UseCaseDeps, booking: EventDataOf<'booking.confirmed'>): Promise<SendResponse> {
  const qr = deps.tickets.sign(ticketClaims({ ...booking, passengers: booking.passengers.length }));
  const stored = await deps.issued.issue({
    bookingId: booking.bookingId,
    userId: booking.userId,
    reference: booking.reference,
    qr,
  });
  if (stored.status === 'void') {
    deps.logger.warn({ bookingId: booking.bookingId }, 'booking was cancelled before its ticket was issued: no ticket sent');
    return { messages: [] };
  }
  const messages = renderTicket(booking, stored.qr);
  if (messages.length === 0) deps.logger.warn({ bookingId: booking.bookingId }, 'booking has no phone or e-mail: no ticket sent');
  return { messages: await deps.dispatcher.dispatch(messages, `ticket:${booking.bookingId}`, deps.logger) };
}
