import { describe, expect, it } from 'vitest';
import { segmentDistance, segmentOf, timedStops, trainStops, type RouteStop } from '../../src/domain/stops.js';

const route: RouteStop[] = [
  { code: 'DHK', name: 'Dhaka', distanceKm: 0, arrivalOffsetMin: null, departureOffsetMin: 0 },
  { code: 'BHB', name: 'Bhairab Bazar', distanceKm: 80, arrivalOffsetMin: 97, departureOffsetMin: 100 },
  { code: 'CTG', name: 'Chattogram', distanceKm: 321, arrivalOffsetMin: 390, departureOffsetMin: null },
];

describe('trainStops', () => {
  it('keeps the route as it is for a DOWN train', () => {
    expect(trainStops(route, 'DOWN')).toEqual(route);
  });

  it('mirrors distances and running times for an UP train', () => {
    expect(trainStops(route, 'UP')).toEqual([
      { code: 'CTG', name: 'Chattogram', distanceKm: 0, arrivalOffsetMin: null, departureOffsetMin: 0 },
      { code: 'BHB', name: 'Bhairab Bazar', distanceKm: 241, arrivalOffsetMin: 290, departureOffsetMin: 293 },
      { code: 'DHK', name: 'Dhaka', distanceKm: 321, arrivalOffsetMin: 390, departureOffsetMin: null },
    ]);
  });

  it('refuses a route with fewer than two stops', () => {
    expect(() => trainStops(route.slice(0, 1), 'DOWN')).toThrow(RangeError);
  });
});

describe('timedStops', () => {
  it('turns offsets into Dhaka times, rolling past midnight into the next day', () => {
    const stops = timedStops(trainStops(route, 'DOWN'), '2026-03-10', '22:30');
    expect(stops.map((s) => [s.arrival, s.departure])).toEqual([
      [null, '2026-03-10T22:30:00+06:00'],
      ['2026-03-11T00:07:00+06:00', '2026-03-11T00:10:00+06:00'],
      ['2026-03-11T05:00:00+06:00', null],
    ]);
  });
});

describe('segmentOf', () => {
  it('finds the leg range between two stops in travel order', () => {
    expect(segmentOf(route, 'DHK', 'CTG')).toEqual({ fromIndex: 0, toIndex: 2 });
    expect(segmentOf(route, 'BHB', 'CTG')).toEqual({ fromIndex: 1, toIndex: 2 });
  });

  it('has no segment backwards, to the same stop or through a station the train does not call at', () => {
    expect(segmentOf(route, 'CTG', 'DHK')).toBeNull();
    expect(segmentOf(route, 'BHB', 'BHB')).toBeNull();
    expect(segmentOf(route, 'DHK', 'SYL')).toBeNull();
  });

  it('measures the distance of a segment, in either direction of travel', () => {
    expect(segmentDistance(route, { fromIndex: 1, toIndex: 2 })).toBe(241);
    const up = trainStops(route, 'UP');
    expect(segmentDistance(up, { fromIndex: 0, toIndex: 1 })).toBe(241);
  });
});
