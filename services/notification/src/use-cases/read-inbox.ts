/** The development inbox of one recipient, newest first (only registered outside production). */
import type { InboxResponse } from '@rail/contracts/notification';
import type { UseCaseDeps } from '../deps.js';
import { normalizeRecipient } from '../domain/recipients.js';

export async function readInbox(deps: UseCaseDeps, to: string): Promise<InboxResponse> {
  return { to: normalizeRecipient(to), messages: await deps.dispatcher.readInbox(to) };
}
