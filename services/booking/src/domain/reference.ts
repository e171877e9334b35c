/** Booking references printed on tickets: short, random, and free of look-alike characters (no 0/O, 1/I/L). */
import { randomInt } from 'node:crypto';

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function generateReference(length = 8): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(0, ALPHABET.length)];
  return out;
}

export function isReference(value: string): boolean {
  return /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/.test(value);
}
