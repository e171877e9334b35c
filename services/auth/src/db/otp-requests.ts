/** Queries on OTP requests: the code's HMAC, its expiry and the attempts spent on it. */
import type { Queryable } from '@rail/db';

export interface OtpRequestRow {
  id: string;
  phone: string;
  purpose: string;
  codeHash: Buffer;
  attempts: number;
  expired: boolean;
  verified: boolean;
}

export async function insertOtpRequest(
  db: Queryable,
  otp: { id: string; phone: string; purpose: string; codeHash: Buffer; ttlSeconds: number },
): Promise<Date> {
  const { rows } = await db.query<{ expiresAt: Date }>(
    `INSERT INTO otp_requests (id, phone, purpose, code_hash, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5)) RETURNING expires_at AS "expiresAt"`,
    [otp.id, otp.phone, otp.purpose, otp.codeHash, otp.ttlSeconds],
  );
  return (rows[0] as { expiresAt: Date }).expiresAt;
}

export async function lockOtpRequest(db: Queryable, id: string): Promise<OtpRequestRow | null> {
  const { rows } = await db.query<OtpRequestRow>(
    `SELECT id, phone, purpose, code_hash AS "codeHash", attempts, expires_at <= now() AS expired,
            verified_at IS NOT NULL AS verified
       FROM otp_requests WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return rows[0] ?? null;
}

export async function recordOtpAttempt(db: Queryable, id: string, success: boolean): Promise<void> {
  await db.query(
    `UPDATE otp_requests SET attempts = attempts + 1, verified_at = CASE WHEN $2 THEN now() ELSE verified_at END WHERE id = $1`,
    [id, success],
  );
}
