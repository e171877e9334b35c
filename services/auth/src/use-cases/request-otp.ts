/**
 * Sends a one-time code: 6 digits, stored only as an HMAC, valid for OTP_TTL_SECONDS. At most one send per
 * phone per OTP_RESEND_SECONDS and a bounded number per client address. The SMS goes out through the
 * notification path: an `otp.requested` event written to the outbox in the same transaction as the code.
 */
import { randomUUID } from 'node:crypto';
import type { OtpRequestBody, OtpRequestResponse } from '@rail/contracts/auth';
import { TooManyRequestsError, ValidationError } from '@rail/errors';
import { withTransaction } from '@rail/db';
import { enqueueEvent } from '@rail/messaging';
import { insertOtpRequest } from '../db/otp-requests.js';
import type { UseCaseDeps } from '../deps.js';
import { normalizePhone } from '../domain/identity.js';
import { generateOtpCode, hashOtpCode } from '../security/secrets.js';

export async function requestOtp(
  deps: UseCaseDeps,
  input: OtpRequestBody,
  context: { clientAddress: string; requestId?: string },
): Promise<OtpRequestResponse> {
  const { config, limiter } = deps;
  const phone = normalizePhone(input.phone);
  if (!phone) throw ValidationError.field('body.phone', 'must be a Bangladeshi mobile number (+8801XXXXXXXXX or 01XXXXXXXXX)');

  const [address] = await limiter.hit(
    [limiter.key('otp-sends', 'address', context.clientAddress)],
    config.OTP_ADDRESS_WINDOW_SECONDS,
  );
  if (address && address.count > config.OTP_MAX_SENDS_PER_ADDRESS) {
    throw new TooManyRequestsError(
      'Too many codes requested from this address; try again later',
      address.retryAfter,
      'OTP_RATE_LIMITED',
    );
  }
  const cooldownKey = limiter.key('otp-cooldown', phone);
  const wait = await limiter.claim(cooldownKey, config.OTP_RESEND_SECONDS);
  if (wait > 0) {
    throw new TooManyRequestsError(
      `A code was sent to this phone recently; wait ${wait} s before asking again`,
      wait,
      'OTP_RESEND_TOO_SOON',
    );
  }

  const requestId = randomUUID();
  const code = generateOtpCode();
  try {
    await withTransaction(deps.pool, async (client) => {
      const expiresAt = await insertOtpRequest(client, {
        id: requestId,
        phone,
        purpose: input.purpose,
        codeHash: hashOtpCode(config.OTP_PEPPER, requestId, code),
        ttlSeconds: config.OTP_TTL_SECONDS,
      });
      await enqueueEvent(
        client,
        'otp.requested',
        {
          requestId,
          phone,
          purpose: input.purpose,
          code,
          expiresAt: expiresAt.toISOString(),
          ...(input.bookingId ? { bookingId: input.bookingId } : {}),
        },
        context.requestId ? { requestId: context.requestId } : {},
      );
    });
  } catch (err) {
    // Nothing was sent: give the phone its slot back so the person can retry at once.
    await limiter.clear(cooldownKey).catch(() => undefined);
    throw err;
  }
  return { requestId, expiresIn: config.OTP_TTL_SECONDS, ...(config.OTP_DEV_ECHO ? { devCode: code } : {}) };
}
