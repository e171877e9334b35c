/** Leg ranges as bit masks: coverage, overlap, the 31-leg limit. */
import { describe, expect, it } from 'vitest';
import { legMask, maskToRange, masksOverlap } from '../../src/domain/legs.js';

describe('leg masks', () => {
  it('covers legs [from, to) and detects overlap only when legs are shared', () => {
    expect(legMask(0, 4)).toBe(0b1111);
    expect(legMask(1, 3)).toBe(0b0110);
    expect(masksOverlap(legMask(0, 1), legMask(1, 2))).toBe(false);
    expect(masksOverlap(legMask(0, 2), legMask(1, 2))).toBe(true);
    expect(legMask(0, 31)).toBe(2 ** 31 - 1);
    expect(maskToRange(legMask(2, 5))).toEqual({ fromIndex: 2, toIndex: 5 });
    expect(() => legMask(2, 2)).toThrow(RangeError);
    expect(() => legMask(0, 32)).toThrow(RangeError);
  });
});
