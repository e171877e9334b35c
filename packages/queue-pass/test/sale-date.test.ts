/** A trip's sale date: its departure from the first stop as a calendar date in Asia/Dhaka (UTC+6 all year). */
import { describe, expect, it } from 'vitest';
import { saleDateOf } from '../src/index.js';

const trip = (first: string | null, later = '2026-04-02T02:00:00Z') => [
  { departure: first },
  { departure: later },
  { departure: null },
];

describe('saleDateOf', () => {
  it('is the Dhaka date of the departure from the first stop, read as an instant', () => {
    expect(saleDateOf(trip('2026-04-01T06:00:00Z'))).toBe('2026-04-01');
    // 23:59 in Dhaka is still that day; 00:10 in Dhaka is the next day, though UTC says the day before.
    expect(saleDateOf(trip('2026-04-01T17:59:00Z'))).toBe('2026-04-01');
    expect(saleDateOf(trip('2026-04-01T18:10:00Z'))).toBe('2026-04-02');
    expect(saleDateOf(trip('2026-04-02T00:10:00+06:00'))).toBe('2026-04-02');
  });

  it('keeps a night train on the day it left, though it reaches later stops after midnight', () => {
    expect(saleDateOf(trip('2026-03-12T23:30:00+06:00', '2026-03-13T06:10:00+06:00'))).toBe('2026-03-12');
  });

  it('falls back to the service date without a first departure, and refuses a trip that tells neither', () => {
    expect(saleDateOf(trip(null), '2026-05-09')).toBe('2026-05-09');
    expect(() => saleDateOf([])).toThrow(RangeError);
    expect(() => saleDateOf([{ departure: null }])).toThrow(RangeError);
  });
});
