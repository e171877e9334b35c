// A declined card is explained calmly and the traveller pays with another card on the same booking.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  bookingAwaitingPayment,
  eventually,
  findTrip,
  freeSeats,
  launch,
  newContext,
  registerAndLogin,
  signIn,
  explainFailure,
} from '../lib.js';

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('a declined card, then the success card, confirms the booking', async () => {
  const { tokens } = await registerAndLogin();
  const { map } = await findTrip();
  const { seatIds } = freeSeats(map, 1);
  const hold = await bookingAwaitingPayment(tokens, map, seatIds);

  const context = await newContext(browser, 'desktop');
  await signIn(context, tokens);
  const page = await context.newPage();
  await explainFailure(page, 'payment-retry', async () => {
    await page.goto(`/bookings/${hold.bookingId}/pay`);
    await page.getByRole('heading', { name: 'Payment', exact: true }).waitFor();

    await page.getByRole('button', { name: '4000 0000 0000 0002' }).click();
    await page.getByRole('button', { name: /^Pay ৳/ }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'declined' });
    await alert.waitFor();
    assert.match((await alert.textContent()) ?? '', /Nothing was charged/);
    assert.equal(page.url().endsWith('/pay'), true, 'still on the payment page');

    await page.getByRole('button', { name: '4242 4242 4242 4242' }).click();
    await page.getByRole('button', { name: /^Pay ৳/ }).click();
    await page.getByRole('heading', { name: 'Your e-ticket' }).waitFor({ timeout: 30_000 });
    const reference = await eventually(
      async () => (await page.getByTestId('booking-reference').textContent())?.trim() || false,
      5000,
      'reference',
    );
    assert.ok(reference.length >= 6);
  });
  await context.close();
});
