/**
 * Checks a one-time code. Each wrong guess is committed before answering, so at most OTP_MAX_ATTEMPTS
 * guesses are ever compared however many replicas serve them; a code works once and only until it expires.
 */
import type { OtpPurpose, OtpVerifyBody, OtpVerifyResponse } from '@rail/contracts/auth';
import { AppError, ConflictError, NotFoundError, TooManyRequestsError } from '@rail/errors';
import { withTransaction } from '@rail/db';
import { lockOtpRequest, recordOtpAttempt } from '../db/otp-requests.js';
import { markPhoneVerified } from '../db/users.js';
import type { UseCaseDeps } from '../deps.js';
import { otpCodeMatches } from '../security/secrets.js';

type Outcome = { ok: true; result: OtpVerifyResponse } | { ok: false; error: AppError };

export async function verifyOtp(deps: Pick<UseCaseDeps, 'config' | 'pool'>, input: OtpVerifyBody): Promise<OtpVerifyResponse> {
  const { config } = deps;
  const outcome = await withTransaction(deps.pool, async (client): Promise<Outcome> => {
    const otp = await lockOtpRequest(client, input.requestId);
    if (!otp) return { ok: false, error: new NotFoundError('No such code request', 'OTP_NOT_FOUND') };
    if (otp.verified) return { ok: false, error: new ConflictError('OTP_ALREADY_USED', 'This code has already been used') };
    if (otp.expired) return { ok: false, error: new AppError(410, 'OTP_EXPIRED', 'This code has expired; request a new one') };
    if (otp.attempts >= config.OTP_MAX_ATTEMPTS) {
      return {
        ok: false,
        error: new TooManyRequestsError(
          'Too many wrong codes; request a new one',
          config.OTP_RESEND_SECONDS,
          'OTP_ATTEMPTS_EXCEEDED',
        ),
      };
    }
    const matches = otpCodeMatches(config.OTP_PEPPER, otp.id, input.code, otp.codeHash);
    await recordOtpAttempt(client, otp.id, matches);
    if (!matches) {
      const attemptsLeft = config.OTP_MAX_ATTEMPTS - otp.attempts - 1;
      return {
        ok: false,
        error: new AppError(400, 'OTP_INVALID', 'The code is not correct', {
          errors: [{ field: 'body.code', message: 'is not correct' }],
          extensions: { attemptsLeft },
        }),
      };
    }
    if (otp.purpose === 'register') await markPhoneVerified(client, otp.phone);
    return { ok: true, result: { verified: true, phone: otp.phone, purpose: otp.purpose as OtpPurpose } };
  });
  if (!outcome.ok) throw outcome.error;
  return outcome.result;
}
