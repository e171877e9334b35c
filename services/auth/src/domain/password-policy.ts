/**
 * The password policy: at least 8 characters, not all of one kind (lower-case letters, upper-case letters,
 * digits, symbols), and not one of the passwords attackers try first. Returns the reason a password is
 * refused, or null when it is acceptable.
 */
import { COMMON_PASSWORDS } from './common-passwords.js';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

function characterClasses(password: string): number {
  let classes = 0;
  if (/\p{Ll}/u.test(password)) classes++;
  if (/\p{Lu}/u.test(password)) classes++;
  if (/\p{Nd}/u.test(password)) classes++;
  if (/[^\p{Ll}\p{Lu}\p{Nd}]/u.test(password)) classes++;
  return classes;
}

export function passwordProblem(password: string, context: { email?: string; phone?: string } = {}): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  if (characterClasses(password) < 2)
    return 'must mix at least two kinds of characters (letters, digits, symbols, upper/lower case)';
  const lowered = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lowered)) return 'is too common; choose a less predictable password';
  const localPart = context.email?.split('@')[0]?.toLowerCase();
  if (localPart && localPart.length >= 4 && lowered.includes(localPart)) return 'must not contain your e-mail address';
  const digits = context.phone?.replace(/\D/g, '').slice(-8);
  if (digits && password.includes(digits)) return 'must not contain your phone number';
  return null;
}
