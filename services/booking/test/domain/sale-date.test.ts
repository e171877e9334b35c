/** A trip's sale date: its departure from the first stop as a calendar date in Asia/Dhaka (UTC+6 all year). */
import { describe, expect, it } from 'vitest';
import { saleDateOf } from '../../src/domain/sale-date.js';
import { makeInventory } from '../helpers/fixtures.js';

const departingAt = (iso: string | null, date = '2026-04-01') => ({
  date,
  stops: [
    { code: 'DHK', name: 'Dhaka', arrival: null, departure: iso, distanceKm: 0 },
    { code: 'CTG', name: 'Chattogram', arrival: '2026-04-02T02:00:00Z', departure: null, distanceKm: 300 },
  ],
});

describe('saleDateOf', () => {
  it('is the local date of the departure from the first stop', () => {
    expect(saleDateOf(makeInventory(1, { start: '2026-04-01T06:00:00Z' }))).toBe('2026-04-01');
    // 23:59 in Dhaka is still that day; 00:10 in Dhaka is the next day, though UTC says the day before.
    expect(saleDateOf(departingAt('2026-04-01T17:59:00Z'))).toBe('2026-04-01');
    expect(saleDateOf(departingAt('2026-04-01T18:10:00Z'))).toBe('2026-04-02');
    expect(saleDateOf(departingAt('2026-04-02T00:10:00+06:00'))).toBe('2026-04-02');
  });

  it("keeps a night train's later stops in the day it left (not the boarding stop's date)", () => {
    const night = makeInventory(2, { start: '2026-04-02T17:30:00Z' });
    expect(Date.parse(night.stops[2]!.departure!)).toBeGreaterThan(Date.parse('2026-04-02T18:00:00Z'));
    expect(saleDateOf(night)).toBe('2026-04-02');
  });

  it('falls back to the service date when the first stop has no departure time', () => {
    expect(saleDateOf(departingAt(null, '2026-05-09'))).toBe('2026-05-09');
  });
});
