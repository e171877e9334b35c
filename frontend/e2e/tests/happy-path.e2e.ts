// The whole journey in a phone-sized browser, through the gateway: register, search, choose seats on the
// live map, passengers, OTP, pay with the success card, and the e-ticket with its QR code.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  eventually,
  findTrip,
  freeSeats,
  launch,
  newContext,
  newUser,
  otpFromInbox,
  seatButton,
  showCoach,
  explainFailure,
} from '../lib.js';

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a new traveller books two seats and gets a confirmed e-ticket', async () => {
  const { date, map } = await findTrip();
  const { coach, seatIds } = freeSeats(map, 2);
  const user = newUser('happy');
  const context = await newContext(browser, 'phone');
  const page = await context.newPage();
  await explainFailure(page, 'happy-path', async () => {
    // Register from the header's log-in link; afterwards we are back on search.
    await page.goto('/');
    await page.getByRole('link', { name: 'Log in' }).click();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Full name').fill(user.name);
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Mobile number').fill(user.phone);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Find a train' }).waitFor();
    await page.getByRole('link', { name: 'My bookings' }).waitFor();

    // Search by station name.
    await page.getByLabel('From', { exact: true }).fill('Dhaka');
    await page.getByLabel('To', { exact: true }).fill('Chattogram');
    await page.getByLabel('Date of journey').fill(date);
    await page.getByRole('button', { name: 'Search trains' }).click();
    await page.getByRole('heading', { name: 'Dhaka to Chattogram' }).waitFor();
    await page.locator(`a.class-row[href^="/trips/${map.tripId}/seats"]`).first().click();

    // Seats: the map is live; choose two, hold them.
    await page.getByRole('heading', { name: 'Choose your seats' }).waitFor();
    await showCoach(page, coach);
    for (const id of seatIds) await seatButton(page, id).click();
    assert.equal(await seatButton(page, seatIds[0]!).getAttribute('data-status'), 'selected');
    await page.getByRole('button', { name: /^Hold 2 seats/ }).click();

    // Passengers under the countdown.
    await page.getByRole('heading', { name: 'Passenger details' }).waitFor();
    assert.match((await page.getByRole('timer').textContent()) ?? '', /Seats held for \d:\d\d/);
    await page.locator('input[name="name-0"]').fill('Nusrat Jahan');
    await page.locator('input[name="age-0"]').fill('29');
    await page.locator('input[name="name-1"]').fill('Arif Hossain');
    await page.getByRole('button', { name: 'Send verification code' }).click();

    // OTP: the development hint when the service echoes it, else the notification inbox.
    await page.getByRole('heading', { name: 'Verify it is you' }).waitFor();
    const hint = page.locator('.dev-hint');
    const otp = (await hint.count()) ? /(\d{6})/.exec((await hint.textContent()) ?? '')?.[1] : await otpFromInbox(user.phone);
    assert.ok(otp, 'an OTP to type');
    await page.getByLabel('Verification code').fill(otp);
    await page.getByRole('button', { name: 'Verify' }).click();

    // Payment with the success card from the on-page test numbers.
    await page.getByRole('heading', { name: 'Payment', exact: true }).waitFor();
    await page.getByRole('button', { name: '4242 4242 4242 4242' }).click();
    await page.getByRole('button', { name: /^Pay ৳/ }).click();

    // The e-ticket once the payment event has confirmed the booking.
    const reference = await eventually(
      async () => {
        const text = (await page.getByTestId('booking-reference').textContent({ timeout: 1000 }))?.trim();
        return text && text.length >= 6 ? text : false;
      },
      30_000,
      'the booking reference',
    );
    await page.getByRole('heading', { name: 'Your e-ticket' }).waitFor();
    await page.getByRole('img', { name: `QR code for booking ${reference}` }).waitFor();
    const ticket = (await page.locator('.ticket-card').textContent()) ?? '';
    assert.match(ticket, /Nusrat Jahan/);
    assert.match(ticket, /Arif Hossain/);
    assert.match(ticket, new RegExp(`Coach ${coach}`));

    // It is listed under my bookings as confirmed.
    await page.getByRole('link', { name: 'My bookings' }).first().click();
    const row = page.locator('.booking-row', { hasText: reference });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /Confirmed/);
  });
  await context.close();
});
