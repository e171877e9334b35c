import { describe, expect, it } from 'vitest';
import { saleDateOf } from '../../src/domain/sale-date.js';
import { timedStops } from '../../src/domain/stops.js';

const stops = [
  { code: 'DHK', name: 'Dhaka', distanceKm: 0, arrivalOffsetMin: null, departureOffsetMin: 0 },
  { code: 'BHB', name: 'Bhairab Bazar', distanceKm: 80, arrivalOffsetMin: 120, departureOffsetMin: 123 },
  { code: 'CTG', name: 'Chattogram', distanceKm: 320, arrivalOffsetMin: 400, departureOffsetMin: null },
];

describe('saleDateOf', () => {
  it('is the Dhaka date the trip leaves its first stop', () => {
    expect(saleDateOf(timedStops(stops, '2026-03-12', '07:45'))).toBe('2026-03-12');
  });

  it('keeps a night train on the day it left, though it reaches later stops after midnight', () => {
    const night = timedStops(stops, '2026-03-12', '23:30');
    expect(night[2]!.arrival).toBe('2026-03-13T06:10:00+06:00');
    expect(saleDateOf(night)).toBe('2026-03-12');
  });

  it('reads the departure as an instant: 18:30 UTC is already the next day in Dhaka', () => {
    expect(saleDateOf([{ departure: '2026-03-12T18:30:00Z' }])).toBe('2026-03-13');
    expect(saleDateOf([{ departure: '2026-03-12T17:59:00Z' }])).toBe('2026-03-12');
  });

  it('refuses a trip without a departure from its first stop', () => {
    expect(() => saleDateOf([])).toThrow(RangeError);
    expect(() => saleDateOf([{ departure: null }])).toThrow(RangeError);
  });
});
