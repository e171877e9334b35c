/** Ends a session: revokes the refresh token's whole family. Idempotent: an unknown or spent token is already logged out. */
import { findFamilyByHash, revokeFamily } from '../db/refresh-tokens.js';
import type { UseCaseDeps } from '../deps.js';
import { hashRefreshToken } from '../security/secrets.js';

export async function logout(deps: Pick<UseCaseDeps, 'pool'>, refreshToken: string): Promise<void> {
  const familyId = await findFamilyByHash(deps.pool, hashRefreshToken(refreshToken));
  if (familyId) await revokeFamily(deps.pool, familyId);
}
