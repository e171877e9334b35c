/**
 * Normalisation and validation of the identity fields a person types: Bangladeshi mobile numbers,
 * e-mail addresses and names. Pure functions; the stored forms are the normalised ones.
 */
import { BD_MOBILE_PATTERN } from '@rail/contracts/auth';

const BD_MOBILE = new RegExp(BD_MOBILE_PATTERN);

/** `01712345678` or `+8801712345678` -> `+8801712345678`; null when it is not a Bangladeshi mobile number. */
export function normalizePhone(input: string): string | null {
  const phone = input.trim();
  if (!BD_MOBILE.test(phone)) return null;
  return phone.startsWith('+880') ? phone : `+88${phone}`;
}

// Deliberately simple: one @, a non-empty local part, a dotted domain, no spaces. The mailbox is proven by use.
const EMAIL = /^[^\s@]{1,64}@[^\s@.]+(?:\.[^\s@.]+)+$/;

/** Lower-cased, trimmed e-mail; null when it does not look like an address. */
export function normalizeEmail(input: string): string | null {
  const email = input.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) return null;
  return email;
}

/** Collapses runs of whitespace; null when nothing printable is left. */
export function normalizeName(input: string): string | null {
  const name = input.replace(/\s+/g, ' ').trim();
  return name.length === 0 ? null : name;
}
