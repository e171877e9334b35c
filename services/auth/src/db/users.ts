/** Queries on users. Rows come back in the API's shape; the password hash only where a use-case needs it. */
import type { AuthUserView } from '@rail/contracts/auth';
import type { Queryable } from '@rail/db';

/** A user with the roles its access tokens carry (empty for travellers). */
export interface UserWithRoles extends AuthUserView {
  roles: string[];
}

export interface UserWithHash extends UserWithRoles {
  passwordHash: string;
}

const COLUMNS = 'id, name, email, phone';
const COLUMNS_WITH_ROLES = `${COLUMNS}, roles`;

export async function insertUser(
  db: Queryable,
  user: { name: string; email: string; phone: string; passwordHash: string },
): Promise<AuthUserView> {
  const { rows } = await db.query<AuthUserView>(
    `INSERT INTO users (name, email, phone, password_hash) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    [user.name, user.email, user.phone, user.passwordHash],
  );
  return rows[0] as AuthUserView;
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserWithHash | null> {
  const { rows } = await db.query<UserWithHash>(
    `SELECT ${COLUMNS_WITH_ROLES}, password_hash AS "passwordHash" FROM users WHERE email = $1`,
    [email],
  );
  return rows[0] ?? null;
}

export async function findUserById(db: Queryable, id: string): Promise<UserWithRoles | null> {
  const { rows } = await db.query<UserWithRoles>(`SELECT ${COLUMNS_WITH_ROLES} FROM users WHERE id = $1`, [id]);
  return rows[0] ?? null;
}

/** Which of the given e-mail and phone are already registered. */
export async function takenIdentities(db: Queryable, email: string, phone: string): Promise<{ email: boolean; phone: boolean }> {
  const { rows } = await db.query<{ email: boolean; phone: boolean }>(
    'SELECT bool_or(email = $1) AS email, bool_or(phone = $2) AS phone FROM users WHERE email = $1 OR phone = $2',
    [email, phone],
  );
  return { email: rows[0]?.email === true, phone: rows[0]?.phone === true };
}

export async function updatePasswordHash(db: Queryable, id: string, passwordHash: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [id, passwordHash]);
}

export async function markPhoneVerified(db: Queryable, phone: string): Promise<void> {
  await db.query(
    'UPDATE users SET phone_verified_at = now(), updated_at = now() WHERE phone = $1 AND phone_verified_at IS NULL',
    [phone],
  );
}
