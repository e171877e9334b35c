/**
 * The development operator account (issue 11: the waiting room's operator API needs the role `admin`):
 * admin@example.com / Admin-pass-2026!, phone +8801800000001 (verified; outside the load users' 019 range).
 * Never in production: its password is published in the README, so `seedAdmin` refuses NODE_ENV=production.
 * Idempotent: an existing account with that e-mail keeps its password and gains the role.
 */
import type { Queryable } from '@rail/db';

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_PASSWORD = 'Admin-pass-2026!';
export const ADMIN_PHONE = '+8801800000001';

export class SeedRefusedError extends Error {}

export async function seedAdmin(
  db: Queryable,
  options: { nodeEnv: string | undefined; passwordHash: string },
): Promise<{ created: boolean }> {
  if (options.nodeEnv === 'production') {
    throw new SeedRefusedError('refusing to seed the admin account with NODE_ENV=production (its password is public)');
  }
  const { rowCount } = await db.query(
    `INSERT INTO users (name, email, phone, password_hash, phone_verified_at, roles)
     VALUES ('Operator', $1, $2, $3, now(), ARRAY['admin'])
     ON CONFLICT DO NOTHING`,
    [ADMIN_EMAIL, ADMIN_PHONE, options.passwordHash],
  );
  await db.query(
    `UPDATE users SET roles = array_append(roles, 'admin'), updated_at = now()
      WHERE email = $1 AND NOT ('admin' = ANY (roles))`,
    [ADMIN_EMAIL],
  );
  // ON CONFLICT also skips an insert whose phone another account already has: then there is no operator at all.
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE email = $1', [ADMIN_EMAIL]);
  if (rows[0]?.n !== 1) {
    throw new SeedRefusedError(`no ${ADMIN_EMAIL} account could be created: its phone ${ADMIN_PHONE} belongs to another account`);
  }
  return { created: (rowCount ?? 0) > 0 };
}
