/** Registers a user: normalises and checks every field (all problems in one answer), then stores an argon2id hash. */
import type { AuthUserView, RegisterBody } from '@rail/contracts/auth';
import { AppError, ValidationError, type FieldIssue } from '@rail/errors';
import { insertUser, takenIdentities } from '../db/users.js';
import type { UseCaseDeps } from '../deps.js';
import { normalizeEmail, normalizeName, normalizePhone } from '../domain/identity.js';
import { passwordProblem } from '../domain/password-policy.js';

function identityTaken(email: boolean, phone: boolean): AppError {
  const errors: FieldIssue[] = [];
  if (email) errors.push({ field: 'body.email', message: 'is already registered' });
  if (phone) errors.push({ field: 'body.phone', message: 'is already registered' });
  const code = email ? 'EMAIL_TAKEN' : 'PHONE_TAKEN';
  const what = email && phone ? 'e-mail address and phone number are' : email ? 'e-mail address is' : 'phone number is';
  return new AppError(409, code, `This ${what} already registered`, { errors });
}

export async function register(deps: Pick<UseCaseDeps, 'pool' | 'passwords'>, input: RegisterBody): Promise<AuthUserView> {
  const issues: FieldIssue[] = [];
  const name = normalizeName(input.name);
  if (!name) issues.push({ field: 'body.name', message: 'must not be blank' });
  const email = normalizeEmail(input.email);
  if (!email) issues.push({ field: 'body.email', message: 'must be a valid e-mail address' });
  const phone = normalizePhone(input.phone);
  if (!phone)
    issues.push({ field: 'body.phone', message: 'must be a Bangladeshi mobile number (+8801XXXXXXXXX or 01XXXXXXXXX)' });
  const weakness = passwordProblem(input.password, { email: email ?? undefined, phone: phone ?? undefined });
  if (weakness) issues.push({ field: 'body.password', message: weakness });
  if (issues.length > 0 || !name || !email || !phone) throw new ValidationError('The registration is invalid', issues);

  // Cheap check first so a duplicate does not cost a hash; the unique constraints stay the arbiter.
  const taken = await takenIdentities(deps.pool, email, phone);
  if (taken.email || taken.phone) throw identityTaken(taken.email, taken.phone);

  const passwordHash = await deps.passwords.hash(input.password);
  try {
    return await insertUser(deps.pool, { name, email, phone, passwordHash });
  } catch (err) {
    const { code, constraint } = err as { code?: string; constraint?: string };
    if (code === '23505') throw identityTaken(constraint === 'users_email_key', constraint === 'users_phone_key');
    throw err;
  }
}
