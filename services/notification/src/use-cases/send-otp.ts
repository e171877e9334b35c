/** Sends a one-time code by SMS, once per OTP request id. */
import { randomUUID } from 'node:crypto';
import type { EventDataOf } from '@rail/contracts/events';
import type { SendResponse } from '@rail/contracts/notification';
import type { UseCaseDeps } from '../deps.js';
import { renderOtp } from '../domain/render.js';

export type OtpInput = Pick<EventDataOf<'otp.requested'>, 'phone' | 'code' | 'purpose'> & {
  expiresAt?: string;
  requestId?: string;
};

export async function sendOtp(deps: UseCaseDeps, input: OtpInput): Promise<SendResponse> {
  const messages = await deps.dispatcher.dispatch([renderOtp(input)], `otp:${input.requestId ?? randomUUID()}`, deps.logger);
  return { messages };
}
