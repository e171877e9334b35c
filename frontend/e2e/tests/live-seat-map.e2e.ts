// The seat map is live: a seat another traveller holds while the map is open turns "held" within
// moments, and if it was in my choice it is dropped with an explanation.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  apiOk,
  eventually,
  findTrip,
  freeSeats,
  launch,
  newContext,
  registerAndLogin,
  seatButton,
  showCoach,
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

test('a seat taken by someone else while the map is open updates live', async () => {
  const me = await registerAndLogin();
  const other = await registerAndLogin();
  const { map } = await findTrip();
  const { coach, seatIds } = freeSeats(map, 2);
  const [mine, watched] = seatIds as [number, number];

  const context = await newContext(browser, 'desktop');
  await signIn(context, me.tokens);
  const page = await context.newPage();
  await explainFailure(page, 'live-seat-map', async () => {
    await page.goto(`/trips/${map.tripId}/seats?from=${map.from}&to=${map.to}`);
    await showCoach(page, coach);
    await page.locator('.live-badge.on').waitFor({ timeout: 10_000 }); // the event stream is connected
    await seatButton(page, mine).click();
    assert.equal(await seatButton(page, watched).getAttribute('data-status'), 'available');

    // Another traveller holds both: the one I was looking at and the one I had chosen.
    const t0 = Date.now();
    await apiOk(
      'POST',
      '/api/bookings/seats/select',
      { tripId: map.tripId, seatIds: [watched, mine], from: map.from, to: map.to },
      other.tokens.token,
    );
    await eventually(
      async () => (await seatButton(page, watched).getAttribute('data-status')) === 'held',
      5000,
      'the watched seat to turn held',
    );
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < 3000, `the map updated in ${elapsed} ms`);
    assert.match(
      (await seatButton(page, watched).getAttribute('aria-label')) ?? '',
      new RegExp(`^Coach ${coach}, seat .+, held by someone$`),
    );

    await eventually(
      async () => (await seatButton(page, mine).getAttribute('data-status')) === 'held',
      5000,
      'my chosen seat to turn held',
    );
    const notice = page.getByRole('status').filter({ hasText: 'was just taken by someone else' });
    await notice.waitFor();
    assert.equal(await page.getByRole('button', { name: 'Choose at least one seat' }).isDisabled(), true);
  });
  await context.close();
});
