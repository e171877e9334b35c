/** Answers the waitlist events: seats offered (SMS and e-mail), waitlist closed (cut-off, offer lapsed). Once per entry and kind. */
import type { EventDataOf } from '@rail/contracts/events';
import type { SendResponse } from '@rail/contracts/notification';
import type { UseCaseDeps } from '../deps.js';
import { renderWaitlistClosed, renderWaitlistOffer } from '../domain/render.js';

export async function sendWaitlistOffer(deps: UseCaseDeps, data: EventDataOf<'booking.waitlist-offered'>): Promise<SendResponse> {
  const messages = renderWaitlistOffer(data);
  if (messages.length === 0)
    deps.logger.warn({ waitlistId: data.waitlistId }, 'waitlist entry has no phone or e-mail: no notice sent');
  return { messages: await deps.dispatcher.dispatch(messages, `waitlist-offer:${data.waitlistId}`, deps.logger) };
}

export async function sendWaitlistClosed(deps: UseCaseDeps, data: EventDataOf<'booking.waitlist-closed'>): Promise<SendResponse> {
  const messages = renderWaitlistClosed(data);
  return { messages: await deps.dispatcher.dispatch(messages, `waitlist-closed:${data.waitlistId}:${data.reason}`, deps.logger) };
}
