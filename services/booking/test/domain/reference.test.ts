/** Ticket references: 8 characters without look-alikes. */
import { describe, expect, it } from 'vitest';
import { generateReference, isReference } from '../../src/domain/reference.js';

describe('booking references', () => {
  it('makes 8-character references without look-alike characters', () => {
    for (let i = 0; i < 100; i++) expect(isReference(generateReference())).toBe(true);
    expect(generateReference()).not.toMatch(/[01OIL]/);
  });
});
