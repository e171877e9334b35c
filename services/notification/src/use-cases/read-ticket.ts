/**
 * The signed e-ticket QR of one booking, for its owner only. Another user's, an unknown and a cancelled
 * booking all answer the same 404, so the endpoint does not reveal which booking ids exist.
 *
 * Re-issue: when no ticket is stored for the booking (it was confirmed before tickets were kept in
 * PostgreSQL, or its booking.confirmed has not been handled yet), the booking service is asked with the
 * traveller's own token; a CONFIRMED booking of theirs gets its ticket signed and stored now (the same
 * idempotent insert as the event's, so the event arriving later keeps this one) and served. Nothing is sent
 * by SMS or e-mail on a re-issue: the traveller asked to see the ticket, not to be messaged again.
 */
import type { TicketQrResponse } from '@rail/contracts/notification';
import { NotFoundError } from '@rail/errors';
import type { UseCaseDeps } from '../deps.js';
import { ticketClaims } from '../domain/ticket-qr.js';

export interface TicketReader {
  id: string;
  /** The request's Authorization header, forwarded to the booking service for a re-issue. */
  authorization: string;
}

export async function readTicket(deps: UseCaseDeps, user: TicketReader, bookingId: string): Promise<TicketQrResponse> {
  const notFound = () => new NotFoundError('No e-ticket for this booking', 'TICKET_NOT_FOUND');
  let record = await deps.issued.get(bookingId);
  if (record === null) {
    const booking = await deps.ticketSource.confirmedBooking(bookingId, user.authorization);
    if (booking === null) throw notFound();
    record = await deps.issued.issue({
      bookingId: booking.bookingId,
      userId: user.id,
      reference: booking.reference,
      qr: deps.tickets.sign(ticketClaims(booking)),
    });
    if (record.status === 'issued') deps.logger.info({ bookingId }, 'e-ticket of a confirmed booking was missing: re-issued');
  }
  if (record.status !== 'issued' || record.userId !== user.id) throw notFound();
  return { bookingId: record.bookingId, reference: record.reference, qr: record.qr };
}
