import { describe, expect, it } from 'vitest';
import { normalizeEmail, normalizeName, normalizePhone } from '../../src/domain/identity.js';

describe('normalizePhone', () => {
  it('stores both accepted forms as +8801XXXXXXXXX', () => {
    expect(normalizePhone('01712345678')).toBe('+8801712345678');
    expect(normalizePhone('+8801912345678')).toBe('+8801912345678');
    expect(normalizePhone(' 01312345678 ')).toBe('+8801312345678');
  });

  it.each([
    ['operator digit 2', '01212345678'],
    ['operator digit 1', '+8801112345678'],
    ['too short', '0171234567'],
    ['too long', '017123456789'],
    ['landline', '0255123456'],
    ['foreign number', '+447700900123'],
    ['missing plus', '8801712345678'],
    ['letters', '0171234567a'],
  ])('refuses a %s', (_label, phone) => {
    expect(normalizePhone(phone)).toBeNull();
  });
});

describe('normalizeEmail', () => {
  it('lower-cases and trims', () => {
    expect(normalizeEmail('  Rahim.Uddin@Example.COM ')).toBe('rahim.uddin@example.com');
  });

  it.each(['no-at-sign', 'a@b', 'two@@example.com', 'sp ace@example.com', '@example.com'])('refuses %s', (email) => {
    expect(normalizeEmail(email)).toBeNull();
  });
});

describe('normalizeName', () => {
  it('collapses whitespace and refuses a blank name', () => {
    expect(normalizeName('  Rahim   Uddin ')).toBe('Rahim Uddin');
    expect(normalizeName('   ')).toBeNull();
  });
});
