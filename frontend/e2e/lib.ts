/**
 * Shared helpers for the browser tests and the screenshot script: the system's URL, Debian's Chromium
 * through playwright-core, and API shortcuts (register, log in, hold seats as "another traveller").
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const BASE_URL = (process.env.RAIL_BASE_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export async function newContext(browser: Browser, viewport: keyof typeof VIEWPORTS = 'phone'): Promise<BrowserContext> {
  const phone = viewport === 'phone';
  return browser.newContext({
    baseURL: BASE_URL,
    viewport: VIEWPORTS[viewport],
    deviceScaleFactor: phone ? 2 : 1,
    isMobile: phone,
    hasTouch: phone,
    locale: 'en-GB',
    timezoneId: 'Asia/Dhaka',
  });
}

export interface ApiUser {
  name: string;
  email: string;
  phone: string;
  password: string;
}

export interface Tokens {
  token: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; name: string; email: string; phone: string };
}

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  token?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(BASE_URL + path, {
    method,
    headers: {
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function apiOk<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const res = await api<T>(method, path, body, token, method === 'POST' ? { 'idempotency-key': crypto.randomUUID() } : {});
  if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * apiOk that waits out the gateway's 429s (Retry-After) a few times: tests that sign in a dozen travellers
 * meet the per-address limit on log-in and register (1/s after a burst of 10).
 */
export async function apiPatient<T>(method: string, path: string, body?: unknown, token?: string, tries = 40): Promise<T> {
  const key = crypto.randomUUID();
  for (let i = 0; ; i++) {
    const res = await api<T>(method, path, body, token, method === 'POST' ? { 'idempotency-key': key } : {});
    if (res.status === 429 && i < tries) {
      await new Promise((r) => setTimeout(r, 1000)); // the gateway's Retry-After for these zones
      continue;
    }
    if (res.status >= 300) throw new Error(`${method} ${path} -> ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}

export function newUser(tag = 'e2e'): ApiUser {
  const n = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const phone = `01${3 + Math.floor(Math.random() * 7)}${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  return { name: 'Nusrat Jahan', email: `${tag}-${n}@test.com`, phone, password: 'Rail-pass-2026!' };
}

export async function registerAndLogin(user = newUser()): Promise<{ user: ApiUser; tokens: Tokens }> {
  await apiPatient('POST', '/api/auth/register', user);
  const tokens = await apiPatient<Tokens>('POST', '/api/auth/login', { email: user.email, password: user.password });
  return { user, tokens };
}

/** The operator seeded outside production (the waiting room's admin API). */
export const ADMIN = { email: 'admin@example.com', password: 'Admin-pass-2026!' };

export async function adminToken(): Promise<string> {
  return (await apiPatient<Tokens>('POST', '/api/auth/login', ADMIN)).token;
}

/** Start a browser context already signed in as this user (what the login page stores). */
export async function signIn(context: BrowserContext, tokens: Tokens): Promise<void> {
  const session = {
    token: tokens.token,
    refreshToken: tokens.refreshToken,
    expiresAt: Date.now() + tokens.expiresIn * 1000,
    user: tokens.user,
  };
  await context.addInitScript((s) => {
    if (!localStorage.getItem('rail.session')) localStorage.setItem('rail.session', s);
  }, JSON.stringify(session));
}

/** YYYY-MM-DD in Asia/Dhaka, `days` from today. */
export function dhakaDate(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Dhaka' }).format(new Date());
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export interface SearchTrip {
  tripId: number;
  date: string;
  trainName: string;
  classes: { class: string; seatsAvailable: number | null }[];
}
export interface SeatMap {
  tripId: number;
  from: string;
  to: string;
  coaches: {
    coachId: number;
    code: string;
    class: string;
    seats: { seatId: number; label: string; row: number; column: number; position: string; status: string }[];
  }[];
}

/** A Dhaka -> Chattogram trip on a random day of the sales window with seats free, and its seat map. */
export async function findTrip(
  from = 'DHK',
  to = 'CTG',
  dates?: string[],
): Promise<{ date: string; trip: SearchTrip; map: SeatMap }> {
  const start = 1 + Math.floor(Math.random() * 9);
  const candidates = dates ?? Array.from({ length: 10 }, (_, i) => dhakaDate(((start + i - 1) % 10) + 1));
  for (const date of candidates) {
    const res = await apiOk<{ trips: SearchTrip[] }>('GET', `/api/trains/search?from=${from}&to=${to}&date=${date}`);
    for (const trip of res.trips) {
      // A date whose waiting room is active answers 403 QUEUE_REQUIRED here: not a trip for a plain test.
      const res = await api<SeatMap>('GET', `/api/trains/trips/${trip.tripId}/seats?from=${from}&to=${to}`);
      if (res.status !== 200) continue;
      const map = res.body;
      if (map.coaches.some((c) => c.seats.filter((s) => s.status === 'available').length >= 8)) return { date, trip, map };
    }
  }
  throw new Error(`no ${from}->${to} trip with free seats in the sales window`);
}

export function freeSeats(map: SeatMap, count: number): { coach: string; seatIds: number[] } {
  for (const coach of map.coaches) {
    const free = coach.seats.filter((s) => s.status === 'available');
    if (free.length >= count + 4) {
      // Not the first seats: other runs and tests tend to take those.
      const offset = Math.floor(Math.random() * (free.length - count));
      return { coach: coach.code, seatIds: free.slice(offset, offset + count).map((s) => s.seatId) };
    }
  }
  throw new Error('no coach with enough free seats');
}

export interface Hold {
  bookingId: string;
  expiresAt: string;
  amount: number;
}

/** Hold, give passengers and pass the OTP through the API: the booking ends PENDING_PAYMENT. */
export async function bookingAwaitingPayment(tokens: Tokens, map: SeatMap, seatIds: number[]): Promise<Hold> {
  const hold = await apiOk<Hold>(
    'POST',
    '/api/bookings/seats/select',
    { tripId: map.tripId, seatIds, from: map.from, to: map.to },
    tokens.token,
  );
  const confirm = await apiOk<{ devOtp?: string }>(
    'POST',
    '/api/bookings/seats/confirm',
    { bookingId: hold.bookingId, passengers: seatIds.map((_, i) => ({ name: `Passenger ${i + 1}`, age: 30 + i })) },
    tokens.token,
  );
  const otp = confirm.devOtp ?? (await otpFromInbox(tokens.user.phone));
  await apiOk('POST', `/api/bookings/${hold.bookingId}/verify-otp`, { otp }, tokens.token);
  return hold;
}

/** The latest 6-digit code sent to a phone, from the notification service's development inbox. */
export async function otpFromInbox(phone: string): Promise<string> {
  for (let i = 0; i < 40; i++) {
    const res = await api<{ messages: { kind: string; body: string; createdAt: string }[] }>(
      'GET',
      `/api/notifications/inbox?to=${encodeURIComponent(phone)}`,
    );
    const codes = (res.body?.messages ?? [])
      .filter((m) => /otp/i.test(m.kind))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((m) => /\b(\d{6})\b/.exec(m.body)?.[1])
      .filter(Boolean);
    if (codes[0]) return codes[0];
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`no OTP reached the inbox of ${phone}`);
}

/** Wait until `check` passes (it throws or returns false until then). */
export async function eventually<T>(check: () => Promise<T | false>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v !== false) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`);
}

export const seatButton = (page: Page, seatId: number) => page.locator(`button[data-seat-id="${seatId}"]`);

/** Open the coach tab that holds the seat, then the seat button. */
export async function showCoach(page: Page, coachCode: string): Promise<void> {
  await page.locator(`[role=tab][data-coach="${coachCode}"]`).click();
}

/** Run a test body; on failure save a screenshot and the page's text to test-results/ to see what the traveller saw. */
export async function explainFailure<T>(page: Page, name: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    const dir = new URL('../../test-results/', import.meta.url);
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    await page.screenshot({ path: new URL(`${name}.png`, dir).pathname, fullPage: true }).catch(() => undefined);
    const text = await page
      .locator('main')
      .innerText({ timeout: 1000 })
      .catch(() => '(no page text)');
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\n  at ${page.url()}\n  page said: ${text.slice(0, 600)}`,
      { cause: err },
    );
  }
}
