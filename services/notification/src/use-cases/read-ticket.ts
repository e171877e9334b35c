/**
 * The signed e-ticket QR of one booking, for its owner only. Another user's, an unknown and a cancelled
 * booking all answer the same 404, so the endpoint does not reveal which booking ids exist.
 */
import type { TicketQrResponse } from '@rail/contracts/notification';
import { NotFoundError } from '@rail/errors';
import type { UseCaseDeps } from '../deps.js';

export async function readTicket(deps: UseCaseDeps, userId: string, bookingId: string): Promise<TicketQrResponse> {
  const record = await deps.issued.get(bookingId);
  if (record?.status !== 'issued' || record.userId !== userId) {
    throw new NotFoundError('No e-ticket for this booking', 'TICKET_NOT_FOUND');
  }
  return { bookingId: record.bookingId, reference: record.reference, qr: record.qr };
}
