/**
 * The railway's sale calendar: a date D goes on sale `opensDaysBefore` days earlier at a local time of day in the
 * railway's time zone (Asia/Dhaka), and its room opens `roomOpensMinutesBefore` minutes before that. Pure (the
 * caches below only remember answers).
 *
 * Every check-in asks "has this date passed?" and "when does it open?". Building an Intl.DateTimeFormat costs
 * some 100 us, and three per request were 60 % of a check-in's CPU (load-testing/bench-queue.mjs): so one
 * formatter per zone is kept, a zone's local date is remembered for the minute it was asked in (zone offsets
 * change on minute boundaries), and a rule's opening of a date is remembered (a few dates are asked, over and over).
 */

export interface SaleRuleConfig {
  opensDaysBefore: number;
  /** HH:MM, local. */
  opensAtLocal: string;
  timeZone: string;
  roomOpensMinutesBefore: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date (2026-02-30 is not), as YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d && y >= 2000 && y <= 2999;
}

/** Remembered answers of a pure function, dropped all at once when there are too many (a bound, not an LRU). */
function memo<V>(limit: number): { get(key: string): V | undefined; set(key: string, value: V): V } {
  const map = new Map<string, V>();
  return {
    get: (key) => map.get(key),
    set(key, value) {
      if (map.size >= limit) map.clear();
      map.set(key, value);
      return value;
    },
  };
}

const partsFormats = memo<Intl.DateTimeFormat>(64);
const dateFormats = memo<Intl.DateTimeFormat>(64);

function partsFormat(timeZone: string): Intl.DateTimeFormat {
  return (
    partsFormats.get(timeZone) ??
    partsFormats.set(
      timeZone,
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      }),
    )
  );
}

/** Offset of `timeZone` from UTC at instant `ms`, in ms (Asia/Dhaka: +6 h all year). */
function zoneOffsetMs(timeZone: string, ms: number): number {
  const parts = partsFormat(timeZone).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant (ms) of a local wall-clock time on a date in a zone. */
export function zonedTimeToMs(date: string, hhmm: string, timeZone: string): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = hhmm.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  // Two passes settle the offset (a DST edge moves it once; Dhaka has none).
  let ms = guess - zoneOffsetMs(timeZone, guess);
  ms = guess - zoneOffsetMs(timeZone, ms);
  return ms;
}

const localDates = memo<string>(256);

/** The local date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(ms: number, timeZone: string): string {
  const key = `${timeZone}|${Math.floor(ms / 60_000)}`;
  const known = localDates.get(key);
  if (known !== undefined) return known;
  const format =
    dateFormats.get(timeZone) ??
    dateFormats.set(timeZone, new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }));
  return localDates.set(key, format.format(new Date(ms)));
}

export function addDays(date: string, days: number): string {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, mo - 1, d + days)).toISOString().slice(0, 10);
}

const openings = memo<number>(4096);

/** When the rule opens the sale of `date` (ms). */
export function ruleOpensAtMs(date: string, rule: SaleRuleConfig): number {
  const key = `${date}|${rule.opensDaysBefore}|${rule.opensAtLocal}|${rule.timeZone}`;
  return (
    openings.get(key) ?? openings.set(key, zonedTimeToMs(addDays(date, -rule.opensDaysBefore), rule.opensAtLocal, rule.timeZone))
  );
}

/** The travel date has begun in the railway's zone: nothing of it is sold through the room any more. */
export function isPast(date: string, nowMs: number, timeZone: string): boolean {
  return date < localDate(nowMs, timeZone);
}

/** Dates whose rule opening falls between `fromMs` and `toMs` (the leader job's look-ahead). */
export function datesOpeningBetween(fromMs: number, toMs: number, rule: SaleRuleConfig): string[] {
  const out: string[] = [];
  const first = addDays(localDate(fromMs, rule.timeZone), rule.opensDaysBefore - 1);
  for (let i = 0; i < 4; i++) {
    const date = addDays(first, i);
    const opens = ruleOpensAtMs(date, rule);
    if (opens >= fromMs && opens <= toMs) out.push(date);
  }
  return out;
}

/** Dates on sale now (opened by the rule, not yet travelled): where a saturation room applies. */
export function datesOnSale(nowMs: number, rule: SaleRuleConfig): string[] {
  const today = localDate(nowMs, rule.timeZone);
  const out: string[] = [];
  for (let i = 0; i <= rule.opensDaysBefore; i++) {
    const date = addDays(today, i);
    if (ruleOpensAtMs(date, rule) <= nowMs) out.push(date);
  }
  return out;
}
