// The language switch and the dictionaries: every English string has a Bengali one with the same placeholders.
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { I18nProvider, LanguageSwitch, daysBetween, makeI18n, translate, useI18n } from '../src/i18n/i18n.js';
import { bn, en, type StringKey } from '../src/i18n/strings.js';

function Sample() {
  const { t, money } = useI18n();
  return (
    <p>
      {t('searchTitle')} · {t('seatsLeft', { n: 12 })} · {money(1250)}
    </p>
  );
}

describe('i18n', () => {
  it('switches between English and Bengali, sets the page language and remembers the choice', async () => {
    const user = userEvent.setup();
    render(
      <I18nProvider>
        <LanguageSwitch />
        <Sample />
      </I18nProvider>,
    );
    expect(screen.getByText(/Find a train/).textContent).toBe('Find a train · 12 seats left · ৳1,250');
    expect(document.documentElement.lang).toBe('en');
    await user.click(screen.getByRole('button', { name: 'Language: বাংলা' }));
    expect(screen.getByText(/ট্রেন খুঁজুন/).textContent).toBe('ট্রেন খুঁজুন · ১২টি আসন বাকি · ৳১,২৫০');
    expect(document.documentElement.lang).toBe('bn');
    expect(localStorage.getItem('rail.lang')).toBe('bn');
    await user.click(screen.getByRole('button', { name: 'ভাষা: English' }));
    expect(screen.getByText(/Find a train/)).toBeTruthy();
  });

  it('has a non-empty Bengali string with the same placeholders for every key', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as StringKey[]) {
      expect(bn[key], key).toBeTruthy();
      expect(placeholders(bn[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('en', 'seatLabel', { coach: 'KA', seat: 12, position: 'window', status: 'available' })).toBe(
      'Coach KA, seat 12, window, available',
    );
    expect(translate('en', 'coach', {})).toBe('Coach {code}');
  });
});

describe('dates, times and numbers in one script', () => {
  const en18 = makeI18n('en', () => undefined);
  const bn18 = makeI18n('bn', () => undefined);
  const latin = /[0-9A-Za-z]/;

  it('writes times on the 24-hour clock, in Bengali digits only in Bengali (no "০৬:২০ AM")', () => {
    expect(en18.time('2026-12-01T00:20:00Z')).toBe('06:20');
    expect(en18.time('2026-12-01T16:30:00Z')).toBe('22:30');
    expect(bn18.time('2026-12-01T00:20:00Z')).toBe('০৬:২০');
    expect(bn18.time('2026-12-01T16:30:00Z')).toBe('২২:৩০');
    expect(bn18.dateTime('2026-12-01T16:30:00Z')).not.toMatch(latin);
    expect(bn18.date('2026-12-01')).not.toMatch(latin);
    expect(bn18.money(1250)).toBe('৳১,২৫০');
  });

  it('writes a number given to a placeholder in the language digits', () => {
    expect(translate('bn', 'notEnoughSeats', { n: 2 })).toBe('আপনার যাত্রায় এই শ্রেণির মাত্র ২টি আসন খালি।');
    expect(translate('en', 'notEnoughSeats', { n: 2 })).toBe('Only 2 seats of this class are free for your journey.');
    // Text stays as it is (a seat label, a phone number).
    expect(translate('bn', 'devOtp', { code: '012345' })).toBe('আপনার কোড 012345');
  });

  it('says "+1 day" for an arrival on the next Dhaka calendar day, and nothing on the same day', () => {
    // 22:30 -> 03:50 Dhaka time (UTC+6): the Cox's Bazar Express reaching Chattogram.
    const dep = '2026-12-01T16:30:00Z';
    const arr = '2026-12-01T21:50:00Z';
    expect(daysBetween(dep, arr)).toBe(1);
    expect(en18.dayOffset(dep, arr)).toBe('+1 day');
    expect(bn18.dayOffset(dep, arr)).toBe('+১ দিন');
    expect(en18.dayOffset(dep, '2026-12-02T22:00:00Z')).toBe('+2 days');
    // 06:20 -> 13:00 the same day; and 17:59 UTC is 23:59 Dhaka, still the 1st.
    expect(en18.dayOffset('2026-12-01T00:20:00Z', '2026-12-01T07:00:00Z')).toBe('');
    expect(en18.dayOffset('2026-12-01T00:20:00Z', '2026-12-01T17:59:00Z')).toBe('');
  });
});
