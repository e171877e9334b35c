/**
 * Answers booking.cancelled: a cancellation notice (with its refund, when the booking was paid), or, when the
 * event only asks to refund a payment the booking could not take, a refund notice. Once per booking, reason
 * and payment (see cancellationKey). A real cancellation also voids the booking's e-ticket; a refund request
 * does not (the booking may well be confirmed and its ticket valid).
 */
import type { EventDataOf } from '@rail/contracts/events';
import type { SendResponse } from '@rail/contracts/notification';
import type { UseCaseDeps } from '../deps.js';
import { cancellationKey, isRefundRequest, renderCancellation } from '../domain/render.js';

export async function sendCancellation(deps: UseCaseDeps, data: EventDataOf<'booking.cancelled'>): Promise<SendResponse> {
  if (!isRefundRequest(data.reason)) await deps.issued.void(data.bookingId);
  const messages = renderCancellation(data);
  if (messages.length === 0) deps.logger.warn({ bookingId: data.bookingId }, 'booking has no phone or e-mail: no notice sent');
  return { messages: await deps.dispatcher.dispatch(messages, cancellationKey(data), deps.logger) };
}
