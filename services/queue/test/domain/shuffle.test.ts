import { describe, expect, it } from 'vitest';
import { seededRandomInt, shuffle } from '../../src/domain/shuffle.js';

/** Chi-square critical values at p = 0.001 (a fair draw fails these one time in a thousand; the seed is fixed). */
const CRITICAL_23 = 49.728;
const CRITICAL_81 = 124.839;

function chiSquare(observed: number[], expected: number): number {
  return observed.reduce((sum, o) => sum + (o - expected) ** 2 / expected, 0);
}

describe('the pre-queue draw (Fisher-Yates over a CSPRNG)', () => {
  it('gives each of the 24 orders of 4 places equally often (chi-square, fixed seed)', () => {
    const random = seededRandomInt('uniformity-orders');
    const counts = new Map<string, number>();
    const trials = 48_000;
    for (let i = 0; i < trials; i++) {
      const key = shuffle(['a', 'b', 'c', 'd'], random).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    expect(chiSquare([...counts.values()], trials / 24)).toBeLessThan(CRITICAL_23);
  });

  it('puts every one of 10 places at every position equally often (chi-square, fixed seed)', () => {
    const random = seededRandomInt('uniformity-positions');
    const n = 10;
    const counts = Array.from({ length: n * n }, () => 0);
    const trials = 20_000;
    const items = Array.from({ length: n }, (_, i) => i);
    for (let t = 0; t < trials; t++) shuffle(items, random).forEach((item, position) => counts[item * n + position]!++);
    // 100 cells, each row and column sums fixed: (n-1)^2 = 81 degrees of freedom.
    expect(chiSquare(counts, trials / n)).toBeLessThan(CRITICAL_81);
  });

  it('is reproducible from a seed, different across seeds, and never loses or repeats a place', () => {
    const items = Array.from({ length: 1000 }, (_, i) => `u${i}`);
    const a = shuffle(items, seededRandomInt('s1'));
    expect(shuffle(items, seededRandomInt('s1'))).toEqual(a);
    expect(shuffle(items, seededRandomInt('s2'))).not.toEqual(a);
    expect([...a].sort()).toEqual([...items].sort());
    expect(shuffle(items)).not.toEqual(items);
  });

  it('draws integers without modulo bias (rejects the top of the 32-bit range)', () => {
    const random = seededRandomInt('bias');
    const counts = [0, 0, 0];
    for (let i = 0; i < 30_000; i++) counts[random(3)]!++;
    // 2 degrees of freedom, p = 0.001: 13.816.
    expect(chiSquare(counts, 10_000)).toBeLessThan(13.816);
    expect(() => random(0)).toThrow(RangeError);
  });
});
