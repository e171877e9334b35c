import { describe, expect, it } from 'vitest';
import { addDays, dhakaDate, dhakaInstant, formatDhaka, inWindow, salesWindow } from '../../src/domain/dhaka-time.js';

describe('Dhaka calendar', () => {
  it('is already tomorrow in Dhaka from 18:00 UTC', () => {
    expect(dhakaDate(new Date('2026-03-10T17:59:59Z'))).toBe('2026-03-10');
    expect(dhakaDate(new Date('2026-03-10T18:00:00Z'))).toBe('2026-03-11');
  });

  it('adds days across month and year ends', () => {
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  it('formats local times with the +06:00 offset', () => {
    const instant = dhakaInstant('2026-03-10', '16:30', 315);
    expect(new Date(instant).toISOString()).toBe('2026-03-10T15:45:00.000Z');
    expect(formatDhaka(instant)).toBe('2026-03-10T21:45:00+06:00');
  });

  it('opens sales for today and the next N days', () => {
    const window = salesWindow(new Date('2026-03-10T20:00:00Z'), 10);
    expect(window).toEqual({ first: '2026-03-11', last: '2026-03-21' });
    expect(inWindow(window, '2026-03-10')).toBe(false);
    expect(inWindow(window, '2026-03-21')).toBe(true);
    expect(inWindow(window, '2026-03-22')).toBe(false);
  });
});
