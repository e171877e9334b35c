import { describe, expect, it } from 'vitest';
import { datesOnSale, datesOpeningBetween, isCalendarDate, isPast, ruleOpensAtMs } from '../../src/domain/sale-calendar.js';

const rule = { opensDaysBefore: 10, opensAtLocal: '08:00', timeZone: 'Asia/Dhaka', roomOpensMinutesBefore: 30 };

describe('the sale calendar', () => {
  it('opens a date 10 days before at 08:00 in Dhaka (02:00 UTC)', () => {
    expect(new Date(ruleOpensAtMs('2026-12-10', rule)).toISOString()).toBe('2026-11-30T02:00:00.000Z');
    expect(new Date(ruleOpensAtMs('2026-03-01', rule)).toISOString()).toBe('2026-02-19T02:00:00.000Z');
  });
  it('knows real calendar dates', () => {
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    for (const bad of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-1-1', 'tomorrow', '1999-12-31']) {
      expect(isCalendarDate(bad)).toBe(false);
    }
  });
  it('finds the dates opening soon and the dates on sale', () => {
    const at = Date.parse('2026-11-30T01:45:00.000Z');
    expect(datesOpeningBetween(at, at + 30 * 60_000, rule)).toEqual(['2026-12-10']);
    const onSale = datesOnSale(Date.parse('2026-11-30T03:00:00.000Z'), rule);
    expect(onSale[0]).toBe('2026-11-30');
    expect(onSale.at(-1)).toBe('2026-12-10');
    expect(onSale).toHaveLength(11);
  });
  it('treats a date as past from its local midnight', () => {
    expect(isPast('2026-11-29', Date.parse('2026-11-29T18:00:00.000Z'), 'Asia/Dhaka')).toBe(true);
    expect(isPast('2026-11-29', Date.parse('2026-11-29T17:59:00.000Z'), 'Asia/Dhaka')).toBe(false);
  });
  it('keeps the answers it remembers apart by zone, rule and minute', () => {
    const at = Date.parse('2026-11-29T18:30:00.000Z');
    expect(isPast('2026-11-29', at, 'Asia/Dhaka')).toBe(true);
    expect(isPast('2026-11-29', at, 'UTC')).toBe(false);
    expect(isPast('2026-11-29', at, 'Asia/Dhaka')).toBe(true);
    expect(isPast('2026-11-29', Date.parse('2026-11-29T17:59:59.999Z'), 'Asia/Dhaka')).toBe(false);
    const utc = { ...rule, timeZone: 'UTC' };
    expect(new Date(ruleOpensAtMs('2026-12-10', utc)).toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(new Date(ruleOpensAtMs('2026-12-10', rule)).toISOString()).toBe('2026-11-30T02:00:00.000Z');
    expect(new Date(ruleOpensAtMs('2026-12-10', { ...rule, opensDaysBefore: 3 })).toISOString()).toBe('2026-12-07T02:00:00.000Z');
    // A zone with daylight saving: the offset of each date's own instant, not the first one asked.
    const ny = { ...rule, opensDaysBefore: 0, timeZone: 'America/New_York' };
    expect(new Date(ruleOpensAtMs('2026-07-01', ny)).toISOString()).toBe('2026-07-01T12:00:00.000Z');
    expect(new Date(ruleOpensAtMs('2026-12-01', ny)).toISOString()).toBe('2026-12-01T13:00:00.000Z');
  });
});
