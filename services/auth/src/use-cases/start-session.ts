/** Opens a session for a signed-in user: a new refresh-token family and an access token. */
import { randomUUID } from 'node:crypto';
import type { AuthUserView, TokenResponse } from '@rail/contracts/auth';
import type { Queryable } from '@rail/db';
import { insertRefreshToken } from '../db/refresh-tokens.js';
import type { UseCaseDeps } from '../deps.js';
import { generateRefreshToken, hashRefreshToken } from '../security/secrets.js';

/** Issues an access token and a refresh token in `familyId` (a new family for a new login). */
export async function issueTokens(
  deps: Pick<UseCaseDeps, 'config' | 'issueAccessToken'>,
  db: Queryable,
  user: AuthUserView & { roles?: readonly string[] },
  familyId: string = randomUUID(),
): Promise<TokenResponse> {
  const refreshToken = generateRefreshToken();
  await insertRefreshToken(db, {
    id: randomUUID(),
    familyId,
    userId: user.id,
    hash: hashRefreshToken(refreshToken),
    ttlSeconds: deps.config.REFRESH_TOKEN_TTL_SECONDS,
  });
  return {
    token: await deps.issueAccessToken(user),
    tokenType: 'Bearer',
    expiresIn: deps.config.ACCESS_TOKEN_TTL_SECONDS,
    refreshToken,
    refreshExpiresIn: deps.config.REFRESH_TOKEN_TTL_SECONDS,
    user: { id: user.id, name: user.name, email: user.email, phone: user.phone },
  };
}
