// "Pick seats for me": the traveller asks for two Shovan Chair seats side by side by the window; the service
// holds two, the map shows them picked, and they continue to passenger details with those seats.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { api, explainFailure, findTrip, launch, newContext, registerAndLogin, signIn } from '../lib.js';

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('pick seats for me holds two seats side by side, highlighted on the map', async () => {
  const me = await registerAndLogin();
  const { map } = await findTrip();
  const context = await newContext(browser, 'desktop');
  await signIn(context, me.tokens);
  const page = await context.newPage();
  let bookingId: string | undefined;
  try {
    await explainFailure(page, 'pick-for-me', async () => {
      await page.goto(`/trips/${map.tripId}/seats?from=${map.from}&to=${map.to}&class=S_CHAIR`);
      const form = page.getByRole('region', { name: 'Pick seats for me' });
      await form.waitFor();
      await form.getByLabel('Class').selectOption('S_CHAIR');
      await form.getByLabel('Number of seats').selectOption('2');
      assert.equal(await form.getByLabel('Side by side').isChecked(), true);
      await form.getByLabel('window').check();
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/api/bookings/seats/select')),
        form.getByRole('button', { name: 'Pick and hold seats' }).click(),
      ]);
      assert.equal(response.status(), 201, `select answered ${response.status()}: ${await response.text()}`);
      const hold = (await response.json()) as { bookingId: string; seats: { seatId: number; label: string; coach: string }[] };
      bookingId = hold.bookingId;
      assert.equal(hold.seats.length, 2);

      // Named on the page and highlighted on the map.
      await page.getByText(/^We picked .* for you and are holding them\.$/).waitFor();
      for (const s of hold.seats) {
        const seat = page.locator(`button[data-seat-id="${s.seatId}"]`);
        await seat.waitFor();
        assert.equal(await seat.getAttribute('data-status'), 'picked');
        assert.match((await seat.getAttribute('aria-label')) ?? '', /, picked for you$/);
      }

      // Side by side: one row, neighbouring columns with no aisle between; and the window was honoured.
      const seats = map.coaches.flatMap((c) => c.seats.map((s) => ({ ...s, coach: c.code, class: c.class })));
      const mine = hold.seats.map((h) => seats.find((s) => s.seatId === h.seatId)!);
      assert.ok(
        mine.every((s) => s && s.class === 'S_CHAIR' && s.coach === mine[0]!.coach),
        'both in one S_CHAIR coach',
      );
      assert.equal(mine[0]!.row, mine[1]!.row, 'same row');
      assert.equal(Math.abs(mine[0]!.column - mine[1]!.column), 1, 'neighbouring columns');
      assert.ok(
        mine.some((s) => s.position === 'window'),
        'one of them by the window',
      );

      await page.getByRole('button', { name: /^Continue with these seats/ }).click();
      await page.getByRole('heading', { name: 'Passenger details' }).waitFor();
      assert.equal(await page.locator('fieldset.passenger').count(), 2);
      const legends = (await page.locator('fieldset.passenger legend').allTextContents()).join(' ');
      for (const s of hold.seats) assert.ok(legends.includes(s.label), `seat ${s.label} in the passenger form`);
    });
  } finally {
    await context.close();
    if (bookingId) await api('DELETE', `/api/bookings/${bookingId}`, undefined, me.tokens.token);
  }
});
