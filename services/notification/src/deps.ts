/** What the use-cases need, built once in app.ts (tests build the same). */
import type { Logger } from '@rail/logger';
import type { TicketSource } from './clients/ticket-source.js';
import type { Dispatcher } from './delivery/dispatcher.js';
import type { TicketStore } from './delivery/ticket-store.js';
import type { TicketSigner } from './domain/ticket-qr.js';

export interface UseCaseDeps {
  dispatcher: Dispatcher;
  tickets: TicketSigner;
  /** Each booking's issued QR and owner (notification_db), served to the owner's e-ticket page. */
  issued: TicketStore;
  /** The booking and train services, asked when a confirmed booking's ticket is missing. */
  ticketSource: TicketSource;
  logger: Logger;
}
