/** Addresses as the inbox files them: phones in the +880 form, e-mail addresses lower-cased. */
const BD_MOBILE = /^(?:\+880|0)1[3-9][0-9]{8}$/;

export function normalizeRecipient(input: string): string {
  const value = input.trim();
  if (BD_MOBILE.test(value)) return value.startsWith('+880') ? value : `+88${value}`;
  return value.toLowerCase();
}
