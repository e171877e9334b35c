// The language switch and the dictionaries: every English string has a Bengali one with the same placeholders.
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { I18nProvider, LanguageSwitch, translate, useI18n } from '../src/i18n/i18n.js';
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
    expect(screen.getByText(/ট্রেন খুঁজুন/).textContent).toBe('ট্রেন খুঁজুন · 12টি আসন বাকি · ৳১,২৫০');
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
