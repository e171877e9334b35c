/** The signed-in user's profile, read fresh from the database (the token's claims may be up to 15 minutes old). */
import type { AuthUserView } from '@rail/contracts/auth';
import { UnauthorizedError } from '@rail/errors';
import { findUserById } from '../db/users.js';
import type { UseCaseDeps } from '../deps.js';

export async function getMe(deps: Pick<UseCaseDeps, 'pool'>, userId: string): Promise<AuthUserView> {
  // A token's sub is not necessarily a uuid (a foreign issuer's test token); compare as text.
  const user = /^[0-9a-f-]{36}$/i.test(userId) ? await findUserById(deps.pool, userId) : null;
  if (!user) throw new UnauthorizedError('The account no longer exists', 'USER_NOT_FOUND');
  return { id: user.id, name: user.name, email: user.email, phone: user.phone };
}
