import { describe, expect, it } from 'vitest';
import { matchStation } from '../../src/domain/station-match.js';
import { seatPlan } from '../../src/domain/seat-layout.js';

const stations = [
  { code: 'DHK', name: 'Dhaka', aliases: ['Kamalapur'] },
  { code: 'APT', name: 'Biman Bandar', aliases: ['Airport'] },
  { code: 'CTG', name: 'Chattogram', aliases: ['Chittagong'] },
];

describe('matchStation', () => {
  it('matches a code, a name or an alias, ignoring case and extra spaces', () => {
    expect(matchStation(stations, 'ctg')?.code).toBe('CTG');
    expect(matchStation(stations, '  biman   BANDAR ')?.code).toBe('APT');
    expect(matchStation(stations, 'chittagong')?.code).toBe('CTG');
  });

  it('matches nothing for an unknown or empty query', () => {
    expect(matchStation(stations, 'Sylhet')).toBeUndefined();
    expect(matchStation(stations, '   ')).toBeUndefined();
  });
});

describe('seatPlan', () => {
  it('lays 55 seats in rows of four with windows at both sides and a short last row', () => {
    const plan = seatPlan(55);
    expect(plan).toHaveLength(55);
    expect(plan[0]).toEqual({ number: 1, row: 1, column: 1, position: 'window' });
    expect(plan[1]?.position).toBe('aisle');
    expect(plan[3]).toEqual({ number: 4, row: 1, column: 4, position: 'window' });
    expect(plan[54]).toEqual({ number: 55, row: 14, column: 3, position: 'aisle' });
    expect(() => seatPlan(0)).toThrow(RangeError);
  });
});
