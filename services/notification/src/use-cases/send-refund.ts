/** Tells the traveller a payment was refunded; once per payment. */
import type { EventDataOf } from '@rail/contracts/events';
import type { SendResponse } from '@rail/contracts/notification';
import type { UseCaseDeps } from '../deps.js';
import { renderRefund } from '../domain/render.js';

export async function sendRefund(deps: UseCaseDeps, data: EventDataOf<'payment.refunded'>): Promise<SendResponse> {
  const messages = renderRefund(data);
  if (messages.length === 0) deps.logger.warn({ paymentId: data.paymentId }, 'refund has no phone or e-mail: no notice sent');
  return { messages: await deps.dispatcher.dispatch(messages, `refund:${data.paymentId}`, deps.logger) };
}
