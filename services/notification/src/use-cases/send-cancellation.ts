/** Tells the traveller a booking was cancelled (and refunded, when it was paid); once per booking. */
import type { EventDataOf } from '@rail/contracts/events';
import type { SendResponse } from '@rail/contracts/notification';
import type { UseCaseDeps } from '../deps.js';
import { renderCancellation } from '../domain/render.js';

export async function sendCancellation(deps: UseCaseDeps, data: EventDataOf<'booking.cancelled'>): Promise<SendResponse> {
  const messages = renderCancellation(data);
  if (messages.length === 0) deps.logger.warn({ bookingId: data.bookingId }, 'booking has no phone or e-mail: no notice sent');
  return { messages: await deps.dispatcher.dispatch(messages, `cancellation:${data.bookingId}`, deps.logger) };
}
