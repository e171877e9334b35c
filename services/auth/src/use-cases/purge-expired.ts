/** Housekeeping: deletes OTP requests and refresh tokens that expired more than a day ago. */
import type { Queryable } from '@rail/db';

export async function purgeExpired(db: Queryable): Promise<{ otpRequests: number; refreshTokens: number }> {
  const otp = await db.query("DELETE FROM otp_requests WHERE expires_at < now() - interval '1 day'");
  const tokens = await db.query("DELETE FROM refresh_tokens WHERE expires_at < now() - interval '1 day'");
  return { otpRequests: otp.rowCount ?? 0, refreshTokens: tokens.rowCount ?? 0 };
}
