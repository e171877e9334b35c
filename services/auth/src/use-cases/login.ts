/**
 * Password login. Unknown e-mail and wrong password give the same 401 after the same work (a dummy hash
 * is verified). Failures are counted per account and per client address; at the limit both refuse with
 * 429 until the window ends, even for the right password, so guessing cannot continue.
 */
import type { LoginBody, TokenResponse } from '@rail/contracts/auth';
import { TooManyRequestsError, UnauthorizedError } from '@rail/errors';
import { findUserByEmail, updatePasswordHash } from '../db/users.js';
import type { UseCaseDeps } from '../deps.js';
import { issueTokens } from './start-session.js';

export class InvalidCredentialsError extends UnauthorizedError {
  constructor() {
    super('The e-mail address or password is incorrect', 'INVALID_CREDENTIALS');
  }
}

function lockedOut(retryAfter: number): TooManyRequestsError {
  return new TooManyRequestsError('Too many failed sign-in attempts; try again later', retryAfter, 'LOGIN_LOCKED');
}

export async function login(deps: UseCaseDeps, input: LoginBody, clientAddress: string): Promise<TokenResponse> {
  const { config, limiter } = deps;
  const email = input.email.trim().toLowerCase();
  const accountKey = limiter.key('login-failures', 'account', email);
  const addressKey = limiter.key('login-failures', 'address', clientAddress);

  const [account, address] = await limiter.peek([accountKey, addressKey]);
  if (account && account.count >= config.LOGIN_MAX_FAILURES_PER_ACCOUNT) throw lockedOut(account.retryAfter);
  if (address && address.count >= config.LOGIN_MAX_FAILURES_PER_ADDRESS) throw lockedOut(address.retryAfter);

  const user = await findUserByEmail(deps.pool, email);
  const valid = await deps.passwords.verify(user?.passwordHash ?? null, input.password);
  if (!user || !valid) {
    await limiter.hit([accountKey, addressKey], config.LOGIN_FAILURE_WINDOW_SECONDS);
    throw new InvalidCredentialsError();
  }

  await limiter.clear(accountKey);
  if (deps.passwords.needsRehash(user.passwordHash)) {
    // Parameters were raised since this hash was made: upgrade it now that the password is known.
    await updatePasswordHash(deps.pool, user.id, await deps.passwords.hash(input.password));
  }
  return issueTokens(deps, deps.pool, user);
}
