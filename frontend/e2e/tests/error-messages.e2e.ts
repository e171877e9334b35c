// The services' refusals, as a traveller on a phone sees them, in Bengali and English: each is our own sentence
// from the problem's code (never the service's English detail), the field the service names is marked and says
// what to fix, a lockout says how many minutes, and an overnight arrival says "+1 day" with times in one script.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { bn, en } from '../../src/i18n/strings.js';
import {
  api,
  bookingAwaitingPayment,
  dhakaDate,
  explainFailure,
  findTrip,
  freeSeats,
  apiOk,
  launch,
  newContext,
  newUser,
  registerAndLogin,
  signIn,
  type Tokens,
} from '../lib.js';

/** What the services say in English; none of it may reach the page. */
const SERVER_TEXT =
  /One or more fields are invalid|must match pattern|outside the sales window|Asia\/Dhaka|is not a valid card number|must NOT have|try again later|cannot be/;

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function phone(lang: 'en' | 'bn', tokens?: Tokens): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser, 'phone');
  await context.addInitScript((l) => localStorage.setItem('rail.lang', l), lang);
  if (tokens) await signIn(context, tokens);
  return { context, page: await context.newPage() };
}

const fieldLine = async (page: Page, name: string) => {
  const input = page.locator(`[name="${name}"]`);
  // The form's alert and its fields' marks come from one answer, but may render a frame apart.
  await page
    .locator(`[name="${name}"][aria-invalid="true"]`)
    .waitFor({ timeout: 5000 })
    .catch(() => undefined);
  assert.equal(await input.getAttribute('aria-invalid'), 'true', `${name} is marked`);
  const ids = ((await input.getAttribute('aria-describedby')) ?? '').split(' ').filter(Boolean);
  const lines = await Promise.all(ids.map((id) => page.locator(`[id="${id}"]`).textContent()));
  return lines.join(' ');
};

const mainText = (page: Page) => page.locator('main').innerText();

test('Bengali: a refused phone, a blank passenger name and a date outside the sales window', async () => {
  // Registration with a number whose operator digit (2) no operator has: the auth service names body.phone.
  const { context, page } = await phone('bn');
  await explainFailure(page, 'errors-bn-register', async () => {
    await page.goto('/register');
    const user = newUser('e2e-errors');
    await page.locator('[name="name"]').fill(user.name);
    await page.locator('[name="email"]').fill(user.email);
    await page.locator('[name="phone"]').fill('01212345678');
    await page.locator('[name="password"]').fill(user.password);
    await page.getByRole('button', { name: bn.registerButton }).click();
    await page.getByRole('alert').filter({ hasText: bn.fieldsInvalid }).waitFor();
    assert.ok((await fieldLine(page, 'phone')).includes(bn.errPhone), 'the phone says what to type');
    assert.equal(await page.locator('[name="email"]').getAttribute('aria-invalid'), null);
    assert.doesNotMatch(await mainText(page), SERVER_TEXT);
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'phone');

    // Search for a day long past: the train service's OUTSIDE_SALES_WINDOW, worded here.
    await page.goto('/results?from=DHK&to=CTG&date=2020-01-01');
    await page.getByRole('alert').filter({ hasText: 'ওই তারিখের টিকিট বিক্রি হচ্ছে না' }).waitFor();
    assert.match(await mainText(page), /১০ দিন/);
    assert.doesNotMatch(await mainText(page), SERVER_TEXT);
  });
  await context.close();

  // Passengers: a name of spaces only is refused by the booking service (body.passengers.0.name).
  const { tokens } = await registerAndLogin();
  const { map } = await findTrip();
  const { seatIds } = freeSeats(map, 1);
  const hold = await apiOk<{ bookingId: string }>(
    'POST',
    '/api/bookings/seats/select',
    { tripId: map.tripId, seatIds, from: map.from, to: map.to },
    tokens.token,
  );
  const signedIn = await phone('bn', tokens);
  await explainFailure(signedIn.page, 'errors-bn-passengers', async () => {
    const p = signedIn.page;
    await p.goto(`/bookings/${hold.bookingId}/passengers`);
    await p.getByRole('heading', { name: bn.passengersTitle }).waitFor();
    await p.locator('[name="name-0"]').fill('   ');
    await p.getByRole('button', { name: bn.sendOtp }).click();
    await p.getByRole('alert').filter({ hasText: bn.fieldsInvalid }).waitFor();
    assert.ok((await fieldLine(p, 'name-0')).includes(bn.errName), 'the name says what to type');
    assert.doesNotMatch(await mainText(p), SERVER_TEXT);
  });
  await signedIn.context.close();
  await api('DELETE', `/api/bookings/${hold.bookingId}`, undefined, tokens.token);
});

test('English: a card number the provider refuses, and a login lockout in minutes', async () => {
  const { tokens } = await registerAndLogin();
  const { map } = await findTrip();
  const { seatIds } = freeSeats(map, 1);
  const hold = await bookingAwaitingPayment(tokens, map, seatIds);
  const { context, page } = await phone('en', tokens);
  await explainFailure(page, 'errors-en-payment', async () => {
    await page.goto(`/bookings/${hold.bookingId}/pay`);
    await page.getByRole('heading', { name: en.payTitle, exact: true }).waitFor();
    await page.locator('[name="cardNumber"]').fill('4242 4242 4242 4241'); // fails the Luhn check
    await page.locator('[name="expiry"]').fill('12/30');
    await page.locator('[name="cvc"]').fill('123');
    await page.getByRole('button', { name: /^Pay ৳/ }).click();
    await page.getByRole('alert').filter({ hasText: en.fieldsInvalid }).waitFor();
    assert.equal(await fieldLine(page, 'cardNumber'), en.errCardNumber);
    assert.doesNotMatch((await mainText(page)).replace(en.errCardNumber, ''), SERVER_TEXT);
  });
  await context.close();
  await api('DELETE', `/api/bookings/${hold.bookingId}`, undefined, tokens.token);

  // Five wrong passwords lock the account for the failure window (15 minutes by default): the page says so.
  const { user } = await registerAndLogin();
  for (let wrong = 0; wrong < 5;) {
    const res = await api('POST', '/api/auth/login', { email: user.email, password: 'not-the-password-1' });
    if (res.status === 401) wrong++;
    else if (res.status === 429)
      await new Promise((r) => setTimeout(r, 1100)); // the gateway's per-address rate
    else assert.fail(`a wrong password answered ${res.status}`);
  }
  await new Promise((r) => setTimeout(r, 2000)); // let the gateway's strict zone refill for the page's own try
  const login = await phone('en');
  await explainFailure(login.page, 'errors-en-lockout', async () => {
    const p = login.page;
    await p.goto('/login');
    await p.locator('[name="email"]').fill(user.email);
    await p.locator('[name="password"]').fill(user.password);
    const [answer] = await Promise.all([
      p.waitForResponse((r) => r.url().endsWith('/api/auth/login')),
      p.getByRole('button', { name: en.loginButton }).click(),
    ]);
    assert.equal(answer.status(), 429);
    const wait = Number(answer.headers()['retry-after']);
    const alert = p.getByRole('alert').filter({ hasText: 'Too many wrong passwords' });
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', new RegExp(`try again in ${Math.ceil(wait / 60)} minutes`));
    assert.doesNotMatch(await mainText(p), SERVER_TEXT);
  });
  await login.context.close();
});

test('an overnight arrival says "+1 day", and Bengali times have Bengali digits only', async () => {
  const date = dhakaDate(2);
  const { page, context } = await phone('bn');
  await explainFailure(page, 'errors-bn-overnight', async () => {
    await page.goto(`/results?from=DHK&to=CTG&date=${date}`);
    await page.locator('.trip').first().waitFor();
    const times = await page.locator('.trip .time').allInnerTexts();
    assert.ok(times.length >= 2);
    for (const time of times) assert.doesNotMatch(time, /[0-9A-Za-z]/, `"${time}" is in one script`);
    // The Cox's Bazar Express leaves Dhaka at 22:30 and reaches Chattogram at 03:50.
    const overnight = page.locator('.trip').filter({ hasText: '২২:৩০' });
    assert.match(await overnight.locator('.end .time').innerText(), /০৩:৫০\s*\+১ দিন/);
  });
  await context.close();
});
