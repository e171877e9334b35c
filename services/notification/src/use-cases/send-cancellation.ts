/**
 * Answers booking.cancelled: a cancellation notice (with its refund, when the booking was paid), or, when the
 * event only asks to refund a payment the booking could not take, a refund notice. Once per booking, reason
 * and payment (see cancellationKey).
 */
import type { EventDataOf } from '@rail/contracts/events';
import type { SendResponse } from '@rail/contracts/notification';
import type { UseCaseDeps } from '../deps.js';
import { cancellationKey, renderCancellation } from '../domain/render.js';

export async function sendCancellation(deps: UseCaseDeps, data: EventDataOf<'booking.cancelled'>): Promise<SendResponse> {
  const messages = renderCancellation(data);
  if (messages.length === 0) deps.logger.warn({ bookingId: data.bookingId }, 'booking has no phone or e-mail: no notice sent');
  return { messages: await deps.dispatcher.dispatch(messages, cancellationKey(data), deps.logger) };
}
