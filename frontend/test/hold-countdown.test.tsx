// The hold countdown: counts down from the server's expiresAt, warns, and says what happened at zero.
import { act, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatClock, HoldCountdown } from '../src/components/hold-countdown.js';
import { I18nProvider } from '../src/i18n/i18n.js';

describe('HoldCountdown', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-04-01T10:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('formats minutes and seconds, rounding up so 0:00 only shows at the end', () => {
    expect(formatClock(300_000)).toBe('5:00');
    expect(formatClock(59_001)).toBe('1:00');
    expect(formatClock(9_000)).toBe('0:09');
    expect(formatClock(-5)).toBe('0:00');
  });

  it('counts down, says what happens at zero, then reports expiry once', () => {
    const onExpire = vi.fn();
    render(
      <I18nProvider lang="en">
        <HoldCountdown expiresAt="2026-04-01T10:05:00Z" onExpire={onExpire} chooseAgainHref="/trips/7/seats" />
      </I18nProvider>,
    );
    expect(screen.getByRole('timer').textContent).toBe('Seats held for 5:00');
    expect(screen.getByText(/When the timer reaches zero your seats are released/)).toBeTruthy();
    act(() => vi.advanceTimersByTime(61_000));
    expect(screen.getByRole('timer').textContent).toBe('Seats held for 3:59');
    act(() => vi.advanceTimersByTime(239_000));
    expect(screen.queryByRole('timer')).toBeNull();
    expect(screen.getByRole('alert').textContent).toContain('Time is up: your seats were released');
    expect(screen.getByRole('link', { name: 'Choose seats again' }).getAttribute('href')).toBe('/trips/7/seats');
    act(() => vi.advanceTimersByTime(5_000));
    expect(onExpire).toHaveBeenCalledTimes(1);
  });

  it('follows the server clock, not the phone clock', () => {
    // The phone is 2 minutes behind the server: only 3 minutes are really left.
    const serverNow = () => Date.now() + 120_000;
    render(
      <I18nProvider lang="en">
        <HoldCountdown expiresAt="2026-04-01T10:05:00Z" now={serverNow} />
      </I18nProvider>,
    );
    expect(screen.getByRole('timer').textContent).toBe('Seats held for 3:00');
  });

  it('shows Bengali digits in Bengali', () => {
    render(
      <I18nProvider lang="bn">
        <HoldCountdown expiresAt="2026-04-01T10:04:05Z" />
      </I18nProvider>,
    );
    expect(screen.getByRole('timer').textContent).toBe('আসন ধরে রাখা আছে আরও ৪:০৫');
  });
});
