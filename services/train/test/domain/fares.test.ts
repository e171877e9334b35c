import { describe, expect, it } from 'vitest';
import { fareFor, fareMatrix, type FareRule } from '../../src/domain/fares.js';

const S_CHAIR: FareRule = { class: 'S_CHAIR', basePaisa: 1500, perKmPaisa: 122, minimumTaka: 35 };

describe('fareFor', () => {
  it('charges base plus the per-km rate, in whole taka', () => {
    // 15 + 1.22 x 321 = 406.62 -> 407
    expect(fareFor(S_CHAIR, 321)).toBe(407);
    // 15 + 1.22 x 100 = 137.00
    expect(fareFor(S_CHAIR, 100)).toBe(137);
  });

  it('rounds half a taka up and less than half down', () => {
    const rule: FareRule = { class: 'SHOVAN', basePaisa: 50, perKmPaisa: 100, minimumTaka: 0 };
    expect(fareFor(rule, 10)).toBe(11); // 10.50
    expect(fareFor({ ...rule, basePaisa: 49 }, 10)).toBe(10); // 10.49
  });

  it('never charges less than the class minimum', () => {
    expect(fareFor(S_CHAIR, 0)).toBe(35);
    expect(fareFor(S_CHAIR, 10)).toBe(35); // 27.20 < 35
  });

  it('refuses a negative or non-finite distance', () => {
    expect(() => fareFor(S_CHAIR, -1)).toThrow(RangeError);
    expect(() => fareFor(S_CHAIR, Number.NaN)).toThrow(RangeError);
  });
});

describe('fareMatrix', () => {
  it('prices every forward pair of stops by the distance between them and leaves the rest 0', () => {
    const m = fareMatrix(S_CHAIR, [0, 19, 321]);
    expect(m).toEqual([
      [0, fareFor(S_CHAIR, 19), fareFor(S_CHAIR, 321)],
      [0, 0, fareFor(S_CHAIR, 302)],
      [0, 0, 0],
    ]);
  });
});
