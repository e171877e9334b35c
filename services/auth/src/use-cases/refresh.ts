/**
 * Refresh-token rotation: a valid token is spent and replaced by a new one in the same family. A token
 * that was already spent is evidence of theft (either the thief or the owner is replaying it), so the whole
 * family is revoked and both must sign in again.
 */
import type { TokenResponse } from '@rail/contracts/auth';
import { UnauthorizedError } from '@rail/errors';
import { withTransaction } from '@rail/db';
import { lockRefreshToken, markRotated, revokeFamily } from '../db/refresh-tokens.js';
import { findUserById } from '../db/users.js';
import type { UseCaseDeps } from '../deps.js';
import { hashRefreshToken } from '../security/secrets.js';
import { issueTokens } from './start-session.js';

type Outcome = { ok: true; tokens: TokenResponse } | { ok: false; error: UnauthorizedError };

export async function refresh(deps: UseCaseDeps, refreshToken: string): Promise<TokenResponse> {
  const outcome = await withTransaction(deps.pool, async (client): Promise<Outcome> => {
    const row = await lockRefreshToken(client, hashRefreshToken(refreshToken));
    if (!row) return { ok: false, error: new UnauthorizedError('The refresh token is not valid', 'REFRESH_TOKEN_INVALID') };
    if (row.rotated) {
      const revoked = await revokeFamily(client, row.familyId);
      deps.logger.warn({ userId: row.userId, familyId: row.familyId, revoked }, 'refresh token reused: session family revoked');
      return {
        ok: false,
        error: new UnauthorizedError('The refresh token was already used; sign in again', 'REFRESH_TOKEN_REUSED'),
      };
    }
    if (row.revoked)
      return { ok: false, error: new UnauthorizedError('The session has ended; sign in again', 'REFRESH_TOKEN_REVOKED') };
    if (row.expired) return { ok: false, error: new UnauthorizedError('The refresh token has expired', 'REFRESH_TOKEN_EXPIRED') };
    const user = await findUserById(client, row.userId);
    if (!user) return { ok: false, error: new UnauthorizedError('The account no longer exists', 'REFRESH_TOKEN_INVALID') };
    await markRotated(client, row.id);
    return { ok: true, tokens: await issueTokens(deps, client, user, row.familyId) };
  });
  // Thrown after the commit, so a detected reuse stays revoked.
  if (!outcome.ok) throw outcome.error;
  return outcome.tokens;
}
