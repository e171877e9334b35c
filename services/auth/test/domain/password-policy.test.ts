import { describe, expect, it } from 'vitest';
import { passwordProblem } from '../../src/domain/password-policy.js';

describe('passwordProblem', () => {
  it.each(['Rail-Test#2026', 'correct horse battery staple 9', 'kothay-jabo-1971', 'ট্রেনের টিকিট 2026'])(
    'accepts %s',
    (password) => {
      expect(passwordProblem(password)).toBeNull();
    },
  );

  it('refuses fewer than 8 characters', () => {
    expect(passwordProblem('Ab1!xyz')).toMatch(/at least 8/);
  });

  it('refuses a password of one kind of character', () => {
    expect(passwordProblem('abcdefghijkl')).toMatch(/two kinds/);
    expect(passwordProblem('731946285017')).toMatch(/two kinds/);
    expect(passwordProblem('ABCDEFGHIJKL')).toMatch(/two kinds/);
  });

  it.each(['password123', 'Password123', 'P@ssw0rd', 'qwerty123', '1q2w3e4r', 'Bangladesh123'])(
    'refuses the common password %s',
    (password) => {
      expect(passwordProblem(password)).toMatch(/too common/);
    },
  );

  it('refuses a password containing the e-mail name or the phone number', () => {
    expect(passwordProblem('rahimuddin-2026', { email: 'rahimuddin@example.com' })).toMatch(/e-mail/);
    expect(passwordProblem('Pass12345678', { phone: '+8801712345678' })).toMatch(/phone/);
  });

  it('refuses more than 128 characters', () => {
    expect(passwordProblem(`Aa1${'x'.repeat(130)}`)).toMatch(/at most 128/);
  });
});
