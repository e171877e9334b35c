// The forms mark the fields a service names and say what went wrong in the traveller's language, from the code:
// registration (a bad phone), login (a lockout in minutes), passengers (a blank name), payment (a bad card number),
// the OTP page (a booking that moved on); and the results say "+1 day" on an overnight arrival.
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { ApiClient } from '../src/api/client.js';
import { createApi } from '../src/api/endpoints.js';
import { createSessionStore } from '../src/api/session.js';
import type { Booking, SearchResponse } from '../src/api/types.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import type { Lang } from '../src/i18n/strings.js';
import { bn, en } from '../src/i18n/strings.js';
import { ApiProvider } from '../src/lib/app-context.js';
import { LoginPage, RegisterPage } from '../src/pages/auth-pages.js';
import { OtpPage } from '../src/pages/otp-page.js';
import { PassengersPage } from '../src/pages/passengers-page.js';
import { PaymentPage } from '../src/pages/payment-page.js';
import { ResultsPage } from '../src/pages/results-page.js';
import { fakeFetch, json, problem, type Call } from './fixtures.js';

// The services' own English (fixtures.problem's detail is `<CODE> happened`).
const SERVER_TEXT = /happened|invalid; see errors|cannot be verified|try again later/;

function renderWith(responders: ((call: Call) => Response)[], page: ReactNode, lang: Lang, signedIn = false) {
  const { fetch, calls } = fakeFetch(responders);
  const storage = new Map<string, string>();
  const session = createSessionStore({
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
    removeItem: (k: string) => void storage.delete(k),
  } as Storage);
  if (signedIn) session.set({ token: 't', refreshToken: 'r', expiresAt: Date.now() + 600_000, user: null });
  const client = new ApiClient({ session, fetch, sleep: async () => undefined, jitterMs: () => 0 });
  render(
    <ApiProvider api={createApi(client)}>
      <I18nProvider lang={lang}>{page}</I18nProvider>
    </ApiProvider>,
  );
  return calls;
}

const booking = (status: Booking['status'], seats = 2): Booking => ({
  bookingId: '5f0c9a52-4f3a-4c1e-9a57-1b1a3e0c2d11',
  status,
  tripId: 7,
  from: 'DHK',
  to: 'CTG',
  seats: Array.from({ length: seats }, (_, i) => ({ seatId: 101 + i, coach: 'KA', label: String(i + 1) })) as Booking['seats'],
  passengers: [],
  amount: 810,
  currency: 'BDT',
  expiresAt: new Date(Date.now() + 240_000).toISOString(),
  reference: null,
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
});

const input = (name: string) => document.querySelector<HTMLInputElement>(`[name="${name}"]`)!;

describe('registration', () => {
  it.each([
    ['en', en],
    ['bn', bn],
  ] as const)('marks the phone the service refuses (%s), with our words, not the service text', async (lang, dict) => {
    const user = userEvent.setup();
    renderWith(
      [
        problem(400, 'VALIDATION_FAILED', {
          detail: 'One or more fields are invalid; see errors.',
          errors: [{ field: 'body.phone', message: 'must match pattern "^(?:\\+880|0)1[3-9][0-9]{8}$"' }],
        }),
      ],
      <RegisterPage />,
      lang,
    );
    await user.type(input('name'), 'Nusrat Jahan');
    await user.type(input('email'), 'nusrat@example.com');
    await user.type(input('phone'), '01212345678');
    await user.type(input('password'), 'Rail-pass-2026!');
    await user.click(screen.getByRole('button', { name: dict.registerButton }));
    await screen.findByText(dict.fieldsInvalid);
    expect(input('phone').getAttribute('aria-invalid')).toBe('true');
    expect(input('email').getAttribute('aria-invalid')).toBeNull();
    const describedBy = input('phone').getAttribute('aria-describedby') ?? '';
    expect(describedBy.split(' ').map((id) => document.getElementById(id)?.textContent)).toContain(dict.errPhone);
    expect(document.body.textContent).not.toMatch(SERVER_TEXT);
    await waitFor(() => expect(document.activeElement).toBe(input('phone')));
  });
});

describe('login', () => {
  it.each([
    ['en', en, 'try again in 15 minutes'],
    ['bn', bn, '১৫ মিনিট পরে'],
  ] as const)('says a lockout lasts 15 minutes (Retry-After: 886) (%s)', async (lang, dict, expected) => {
    const user = userEvent.setup();
    const calls = renderWith(
      [problem(429, 'LOGIN_LOCKED', { detail: 'Too many failed sign-in attempts; try again later' }, { 'retry-after': '886' })],
      <LoginPage />,
      lang,
    );
    await user.type(input('email'), 'nusrat@example.com');
    await user.type(input('password'), 'wrong-password');
    await user.click(screen.getByRole('button', { name: dict.loginButton }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain(expected);
    expect(alert.textContent).not.toMatch(SERVER_TEXT);
    expect(calls).toHaveLength(1); // a lockout is not waited out and retried
  });
});

describe('passengers', () => {
  it('marks the blank name of the second passenger (bn)', async () => {
    const user = userEvent.setup();
    renderWith(
      [
        json(200, booking('HELD')),
        problem(400, 'VALIDATION_FAILED', {
          errors: [{ field: 'body.passengers.1.name', message: 'must NOT have fewer than 1 characters' }],
        }),
      ],
      <PassengersPage id="5f0c9a52-4f3a-4c1e-9a57-1b1a3e0c2d11" />,
      'bn',
      true,
    );
    await waitFor(() => expect(input('name-0')).toBeTruthy());
    await user.type(input('name-0'), 'Nusrat Jahan');
    await user.type(input('name-1'), '  ');
    await user.click(screen.getByRole('button', { name: bn.sendOtp }));
    await screen.findByText(bn.fieldsInvalid);
    expect(input('name-1').getAttribute('aria-invalid')).toBe('true');
    expect(input('name-0').getAttribute('aria-invalid')).toBeNull();
    expect(screen.getByText(bn.errName)).toBeTruthy();
  });
});

describe('payment', () => {
  it('marks a card number the provider refuses, and unmarks it on the next try', async () => {
    const user = userEvent.setup();
    renderWith(
      [
        json(200, booking('PENDING_PAYMENT', 1)),
        json(201, { paymentId: '0c7e6c3e-2a55-4a43-9f1c-8d1f6a1d2b33', status: 'PENDING', amount: 405 }),
        problem(400, 'CARD_NUMBER_INVALID', {
          detail: 'is not a valid card number',
          errors: [{ field: 'body.cardNumber', message: 'is not a valid card number' }],
        }),
        json(200, { paymentId: '0c7e6c3e-2a55-4a43-9f1c-8d1f6a1d2b33', status: 'FAILED', reason: 'card_declined' }),
      ],
      <PaymentPage id="5f0c9a52-4f3a-4c1e-9a57-1b1a3e0c2d11" />,
      'en',
      true,
    );
    await waitFor(() => expect(input('cardNumber')).toBeTruthy());
    await user.type(input('cardNumber'), '4242424242424241');
    await user.type(input('expiry'), '1230');
    await user.type(input('cvc'), '123');
    await user.click(screen.getByRole('button', { name: /^Pay ৳/ }));
    await screen.findByText(en.errCardNumber);
    expect(input('cardNumber').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByRole('alert').textContent).toBe(en.fieldsInvalid);
    expect(document.body.textContent).not.toMatch(SERVER_TEXT);
    await user.click(screen.getByRole('button', { name: /^Pay ৳/ }));
    await screen.findByText(en.payDeclined);
    expect(input('cardNumber').getAttribute('aria-invalid')).toBeNull();
    expect(document.body.textContent).not.toContain('card_declined');
  });
});

describe('OTP', () => {
  it('a booking cancelled meanwhile: says so in Bengali, hides the countdown and disables Verify', async () => {
    const user = userEvent.setup();
    renderWith(
      [
        json(200, booking('HELD', 1)),
        problem(409, 'INVALID_TRANSITION', { detail: 'A CANCELLED booking cannot be verified', bookingStatus: 'CANCELLED' }),
      ],
      <OtpPage id="5f0c9a52-4f3a-4c1e-9a57-1b1a3e0c2d11" />,
      'bn',
      true,
    );
    await waitFor(() => expect(input('otp')).toBeTruthy());
    expect(screen.getByRole('timer')).toBeTruthy();
    await user.type(input('otp'), '123456');
    await user.click(screen.getByRole('button', { name: bn.otpButton }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('এই বুকিংটি এখন “বাতিল”');
    expect(alert.textContent).not.toMatch(SERVER_TEXT);
    expect(screen.queryByRole('timer')).toBeNull();
    expect(screen.getByRole('button', { name: bn.otpButton }).hasAttribute('disabled')).toBe(true);
  });
});

describe('results', () => {
  const search: SearchResponse = {
    from: { code: 'DHK', name: 'Dhaka' } as SearchResponse['from'],
    to: { code: 'CTG', name: 'Chattogram' } as SearchResponse['to'],
    date: '2026-12-01',
    trips: [
      {
        tripId: 6,
        trainName: "Cox's Bazar Express",
        trainNumber: '814',
        date: '2026-12-01',
        from: { code: 'DHK', name: 'Dhaka', departure: '2026-12-01T16:30:00Z' },
        to: { code: 'CTG', name: 'Chattogram', arrival: '2026-12-01T21:50:00Z' },
        distanceKm: 321,
        durationMinutes: 320,
        availability: 'live',
        classes: [{ class: 'S_CHAIR', fare: 407, seatsTotal: 165, seatsAvailable: 12 }],
      } as SearchResponse['trips'][number],
    ],
  };
  it.each([
    ['en', '22:30', '03:50+1 day'],
    ['bn', '২২:৩০', '০৩:৫০+১ দিন'],
  ] as const)('an overnight arrival says "+1 day" (%s), the times in one script', async (lang, departs, arrives) => {
    window.history.replaceState(null, '', '/results?from=DHK&to=CTG&date=2026-12-01');
    renderWith(
      [
        (call) => {
          if (call.url.startsWith('/api/trains/search')) return json(200, search)();
          return problem(404, 'NOT_FOUND')();
        },
        () => problem(404, 'NOT_FOUND')(),
      ],
      <ResultsPage />,
      lang,
    );
    const times = await screen.findAllByText((_, el) => el?.classList.contains('time') ?? false);
    expect(times.map((el) => el.textContent)).toEqual([departs, arrives]);
  });
});
