/**
 * Language context: the current dictionary, a switch persisted in localStorage, and locale-aware formatting in
 * one script: in Bengali every number, date and time has Bengali digits (a number given to a placeholder too) and
 * times use the 24-hour clock, as in English, since bn-BD's 12-hour clock would add a Latin "AM" ("০৬:২০ AM").
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { dictionaries, type Lang, type StringKey } from './strings.js';

export type Vars = Record<string, string | number>;

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: StringKey, vars?: Vars) => string;
  num: (n: number) => string;
  money: (n: number) => string;
  time: (iso: string) => string;
  date: (isoDate: string) => string;
  /** A moment as the railway's local day and time ("Thu 10 Dec, 08:00"). */
  dateTime: (iso: string) => string;
  /** "+1 day" when `later` falls on a later Dhaka calendar day than `earlier` (an overnight arrival), else "". */
  dayOffset: (earlier: string, later: string) => string;
}

const STORAGE_KEY = 'rail.lang';
const locales: Record<Lang, string> = { en: 'en-GB', bn: 'bn-BD' };

const numberFormats = new Map<Lang, Intl.NumberFormat>();
const numberFormat = (lang: Lang): Intl.NumberFormat => {
  let f = numberFormats.get(lang);
  if (!f) numberFormats.set(lang, (f = new Intl.NumberFormat(locales[lang])));
  return f;
};

/** A template with its placeholders filled; a number is written in the language's digits. */
export function translate(lang: Lang, key: StringKey, vars?: Vars): string {
  const template = dictionaries[lang][key];
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => {
    if (!(name in vars)) return m;
    const v = vars[name];
    return typeof v === 'number' ? numberFormat(lang).format(v) : String(v);
  });
}

const dhakaDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Dhaka', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The railway's calendar day (Asia/Dhaka, YYYY-MM-DD) of a moment. */
export const dhakaDayOf = (iso: string): string => dhakaDay.format(new Date(iso));

/** Calendar days (Asia/Dhaka) from one moment to a later one: 1 for 22:30 -> 03:50 the next morning. */
export function daysBetween(earlier: string, later: string): number {
  const day = (iso: string) => Date.parse(`${dhakaDayOf(iso)}T00:00:00Z`);
  return Math.round((day(later) - day(earlier)) / 86_400_000);
}

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'bn') return saved;
  } catch {
    // storage unavailable: fall through
  }
  return typeof navigator !== 'undefined' && navigator.language?.startsWith('bn') ? 'bn' : 'en';
}

export function makeI18n(lang: Lang, setLang: (l: Lang) => void): I18n {
  const locale = locales[lang];
  const numFmt = numberFormat(lang);
  const timeFmt = new Intl.DateTimeFormat(locale, {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: 'Asia/Dhaka',
  });
  const dateFmt = new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
  const dateTimeFmt = new Intl.DateTimeFormat(locale, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: 'Asia/Dhaka',
  });
  return {
    lang,
    setLang,
    t: (key, vars) => translate(lang, key, vars),
    num: (n) => numFmt.format(n),
    money: (n) => `৳${numFmt.format(n)}`,
    time: (iso) => timeFmt.format(new Date(iso)),
    date: (isoDate) => dateFmt.format(new Date(`${isoDate}T00:00:00Z`)),
    dateTime: (iso) => dateTimeFmt.format(new Date(iso)),
    dayOffset: (earlier, later) => {
      const n = daysBetween(earlier, later);
      return n <= 0 ? '' : translate(lang, n === 1 ? 'plusOneDay' : 'plusDays', { n });
    },
  };
}

const I18nContext = createContext<I18n>(makeI18n('en', () => undefined));

export function I18nProvider({ children, lang: fixed }: { children: ReactNode; lang?: Lang }) {
  const [lang, setLangState] = useState<Lang>(fixed ?? initialLang);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // not persisted; the switch still works for this visit
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const value = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export const useI18n = (): I18n => useContext(I18nContext);

export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  const next: Lang = lang === 'en' ? 'bn' : 'en';
  return (
    <button
      type="button"
      className="lang-switch"
      lang={next}
      onClick={() => setLang(next)}
      aria-label={`${t('language')}: ${t('switchTo')}`}
    >
      {t('switchTo')}
    </button>
  );
}
