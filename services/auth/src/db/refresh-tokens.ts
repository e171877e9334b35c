/** Queries on refresh tokens: one row per issued token, grouped into families by login. */
import type { Queryable } from '@rail/db';

export interface RefreshTokenRow {
  id: string;
  familyId: string;
  userId: string;
  expired: boolean;
  rotated: boolean;
  revoked: boolean;
}

export async function insertRefreshToken(
  db: Queryable,
  token: { id: string; familyId: string; userId: string; hash: Buffer; ttlSeconds: number },
): Promise<void> {
  await db.query(
    `INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
    [token.id, token.familyId, token.userId, token.hash, token.ttlSeconds],
  );
}

/** Locks the token's row for the rest of the transaction, so two concurrent refreshes cannot both rotate it. */
export async function lockRefreshToken(db: Queryable, hash: Buffer): Promise<RefreshTokenRow | null> {
  const { rows } = await db.query<RefreshTokenRow>(
    `SELECT id, family_id AS "familyId", user_id AS "userId", expires_at <= now() AS expired,
            rotated_at IS NOT NULL AS rotated, revoked_at IS NOT NULL AS revoked
       FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE`,
    [hash],
  );
  return rows[0] ?? null;
}

export async function markRotated(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1', [id]);
}

export async function revokeFamily(db: Queryable, familyId: string): Promise<number> {
  const { rowCount } = await db.query(
    'UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1 AND revoked_at IS NULL',
    [familyId],
  );
  return rowCount ?? 0;
}

export async function findFamilyByHash(db: Queryable, hash: Buffer): Promise<string | null> {
  const { rows } = await db.query<{ familyId: string }>(
    'SELECT family_id AS "familyId" FROM refresh_tokens WHERE token_hash = $1',
    [hash],
  );
  return rows[0]?.familyId ?? null;
}
