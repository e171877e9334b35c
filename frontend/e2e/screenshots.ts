/**
 * Screenshots of every main page at desktop (1280x800) and phone (390x844) widths, saved under
 * docs/screenshots/ for the README. Drives a real journey through the running system (see run.ts):
 * `npm run screenshots -w frontend`.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import {
  eventually,
  findTrip,
  freeSeats,
  launch,
  newContext,
  otpFromInbox,
  registerAndLogin,
  seatButton,
  showCoach,
  signIn,
  VIEWPORTS,
} from './lib.js';

const say = (line: string) => process.stdout.write(`${line}\n`);
const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
mkdirSync(out, { recursive: true });

const browser = await launch();
try {
  // SCREENSHOT_VIEWPORTS=phone limits the run to some widths.
  const wanted = process.env.SCREENSHOT_VIEWPORTS?.split(',') ?? Object.keys(VIEWPORTS);
  for (const viewport of (Object.keys(VIEWPORTS) as (keyof typeof VIEWPORTS)[]).filter((v) => wanted.includes(v))) {
    const shot = async (page: Page, name: string) => {
      await page.evaluate(() => document.fonts.ready);
      const file = path.join(out, `${name}-${viewport}.png`);
      await page.screenshot({ path: file, fullPage: true });
      say(`saved ${path.relative(process.cwd(), file)}`);
    };

    // Signed out: log in and register.
    const anon = await newContext(browser, viewport);
    const p0 = await anon.newPage();
    await p0.goto('/login');
    await p0.getByRole('heading', { name: 'Log in', exact: true }).waitFor();
    await shot(p0, '01-login');
    await p0.goto('/register');
    await p0.getByRole('heading', { name: 'Create an account' }).waitFor();
    await shot(p0, '02-register');
    await anon.close();

    const { user, tokens } = await registerAndLogin();
    const { date, map } = await findTrip();
    const { coach, seatIds } = freeSeats(map, 2);
    const context = await newContext(browser, viewport);
    await signIn(context, tokens);
    const page = await context.newPage();

    await page.goto('/');
    await page.getByLabel('From', { exact: true }).fill('Dhaka');
    await page.getByLabel('To', { exact: true }).fill('Chattogram');
    await page.getByLabel('Date of journey').fill(date);
    await shot(page, '03-search');
    await page.getByRole('button', { name: 'Search trains' }).click();
    await page.locator('.trip').first().waitFor();
    await shot(page, '04-results');

    await page.goto(`/trips/${map.tripId}/seats?from=${map.from}&to=${map.to}`);
    await showCoach(page, coach);
    await page
      .locator('.live-badge.on')
      .waitFor({ timeout: 10_000 })
      .catch(() => undefined);
    for (const id of seatIds) await seatButton(page, id).click();
    await seatButton(page, seatIds[1]!).focus(); // show the focus ring
    await shot(page, '05-seats');
    await page.getByRole('button', { name: /^Hold 2 seats/ }).click();

    await page.getByRole('heading', { name: 'Passenger details' }).waitFor();
    await page.locator('input[name="name-0"]').fill('Nusrat Jahan');
    await page.locator('input[name="age-0"]').fill('29');
    await page.locator('select[name="gender-0"]').selectOption('female');
    await page.locator('input[name="name-1"]').fill('Arif Hossain');
    await page.locator('input[name="age-1"]').fill('34');
    await shot(page, '06-passengers');
    await page.getByRole('button', { name: 'Send verification code' }).click();

    await page.getByRole('heading', { name: 'Verify it is you' }).waitFor();
    const hint = page.locator('.dev-hint');
    const otp = (await hint.count()) ? /(\d{6})/.exec((await hint.textContent()) ?? '')?.[1] : await otpFromInbox(user.phone);
    await page.getByLabel('Verification code').fill(otp ?? '');
    await shot(page, '07-otp');
    await page.getByRole('button', { name: 'Verify' }).click();

    await page.getByRole('heading', { name: 'Payment', exact: true }).waitFor();
    await page.getByRole('button', { name: '4242 4242 4242 4242' }).click();
    await shot(page, '08-payment');
    await page.getByRole('button', { name: /^Pay ৳/ }).click();

    await page.getByRole('heading', { name: 'Your e-ticket' }).waitFor({ timeout: 30_000 });
    await page.locator('img.qr').waitFor();
    await eventually(
      async () => ((await page.getByTestId('booking-reference').textContent()) ?? '').trim().length > 0,
      5000,
      'reference',
    );
    await shot(page, '09-ticket');

    await page.goto('/bookings');
    await page.locator('.booking-row').first().waitFor();
    await shot(page, '10-bookings');

    // The same search page in Bengali.
    await page.goto('/');
    await page.getByRole('button', { name: 'Language: বাংলা' }).click();
    await page.getByRole('heading', { name: 'ট্রেন খুঁজুন' }).waitFor();
    await shot(page, '11-search-bengali');
    await context.close();
  }
} finally {
  await browser.close();
}
