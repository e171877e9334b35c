// The waitlist of a sold-out class: other travellers hold every free AC seat of a trip (through the API),
// the results page says the class is sold out and offers the waitlist; the traveller joins for two seats and
// sees their place in My bookings; when one of the others lets their seats go, the seats are offered and My
// bookings says so clearly, with the way on to pay.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import {
  api,
  apiOk,
  eventually,
  explainFailure,
  findTrip,
  launch,
  newContext,
  registerAndLogin,
  signIn,
  type SeatMap,
  type Tokens,
} from '../lib.js';

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const SEATS_PER_TRAVELLER = 4; // the per-train limit
const CLASS = 'AC_S';

const freeOf = (map: SeatMap) =>
  map.coaches
    .filter((c) => c.class === CLASS)
    .flatMap((c) => c.seats.filter((s) => s.status === 'available').map((s) => s.seatId));

test('a sold-out class: join the waitlist, see the place in My bookings, then the offer', { timeout: 240_000 }, async () => {
  const me = await registerAndLogin();
  const { date, trip, map } = await findTrip();
  const segment = `from=${map.from}&to=${map.to}`;
  // Enough other travellers to hold every free AC seat, signed in before the seats are taken (log-in is rate limited).
  const needed = Math.ceil(freeOf(map).length / SEATS_PER_TRAVELLER) + 2;
  const others: Tokens[] = [];
  for (let i = 0; i < needed; i++) others.push((await registerAndLogin()).tokens);

  const holds: { bookingId: string; tokens: Tokens }[] = [];
  const idle = [...others];
  const statuses: number[] = [];
  const selectAs = (tokens: Tokens, seatIds: number[]) =>
    api<{ bookingId: string }>(
      'POST',
      '/api/bookings/seats/select',
      { tripId: trip.tripId, seatIds, from: map.from, to: map.to },
      tokens.token,
      { 'idempotency-key': crypto.randomUUID() },
    );
  // The gateway micro-caches seat maps for a second: read after it has lapsed, or held seats still look free.
  const fresh = async () => {
    await new Promise((r) => setTimeout(r, 1500));
    return apiOk<SeatMap>('GET', `/api/trains/trips/${trip.tripId}/seats?${segment}`);
  };
  for (let round = 0; round < 4; round++) {
    const free = freeOf(await fresh());
    if (free.length === 0) break;
    const chunks: number[][] = [];
    for (let i = 0; i < free.length; i += SEATS_PER_TRAVELLER) chunks.push(free.slice(i, i + SEATS_PER_TRAVELLER));
    // One after another, waiting out the gateway's select limit (429): a burst from one address is refused.
    for (const seatIds of chunks) {
      const tokens = idle.shift();
      if (!tokens) throw new Error(`not enough other travellers to sell the class out (${statuses.join(', ')})`);
      let res = await selectAs(tokens, seatIds);
      for (let i = 0; res.status === 429 && i < 20; i++) {
        await new Promise((r) => setTimeout(r, 1000));
        res = await selectAs(tokens, seatIds);
      }
      statuses.push(res.status);
      if (res.status === 201) holds.push({ bookingId: res.body.bookingId, tokens });
      else idle.push(tokens); // someone else took one of these seats: this traveller can try others
    }
  }
  assert.equal(freeOf(await fresh()).length, 0, `every ${CLASS} seat of trip ${trip.tripId} is held`);

  const context = await newContext(browser, 'phone');
  await signIn(context, me.tokens);
  const page = await context.newPage();
  let offeredBooking: string | undefined;
  try {
    await explainFailure(page, 'waitlist', async () => {
      // The results say the class is sold out (search's counts are cached a second or two) and offer the waitlist.
      await eventually(
        async () => {
          await page.goto(`/results?${segment}&date=${date}`);
          await page.locator('li.trip').first().waitFor();
          const row = page.locator(`li.trip:has(a[href*="/trips/${trip.tripId}/seats"]) .class-row.disabled`, {
            hasText: 'AC Seat',
          });
          return (await row.count()) > 0;
        },
        20_000,
        'the AC class to show as sold out in the results',
      );
      const tripCard = page.locator(`li.trip:has(a[href*="/trips/${trip.tripId}/seats"])`);
      const acRow = tripCard.locator('.class-row.disabled', { hasText: 'AC Seat' });
      assert.match((await acRow.textContent()) ?? '', /Sold out/);
      await acRow.getByRole('button', { name: 'Join the waitlist' }).click();
      await tripCard.getByLabel('Seats wanted').selectOption('2');
      await tripCard.getByRole('button', { name: 'Join the waitlist' }).click();
      const joined = tripCard.getByText(/^You are number \d+ on the waitlist\./);
      await joined.waitFor();
      const position = Number(/number (\d+)/.exec((await joined.textContent()) ?? '')?.[1]);
      assert.ok(position >= 1);

      // My bookings shows the place in line.
      await tripCard.getByRole('link', { name: 'My bookings' }).click();
      await page.getByRole('heading', { name: 'Waitlist' }).waitFor();
      const entry = page.locator('.waitlist-row').first();
      await entry.getByText(`Number ${position} in line`).waitFor();
      assert.match((await entry.textContent()) ?? '', /2 × AC Seat/);

      // One of the others lets their seats go: they are offered to the waitlist, and My bookings says so.
      const released = holds.shift();
      assert.ok(released, 'someone holding seats');
      await apiOk('DELETE', `/api/bookings/${released.bookingId}`, undefined, released.tokens.token);
      const offer = page.locator('.waitlist-offer');
      await offer.waitFor({ timeout: 30_000 });
      assert.match((await offer.textContent()) ?? '', /Seats are waiting for you! Your waitlist place came up: pay by/);
      const pay = offer.getByRole('link', { name: 'Continue to pay' });
      offeredBooking = /\/bookings\/([^/]+)\/passengers/.exec((await pay.getAttribute('href')) ?? '')?.[1];
      await page.locator('.booking-row:not(.waitlist-row)', { hasText: 'Waitlist offer' }).waitFor();
      await pay.click();
      await page.getByRole('heading', { name: 'Passenger details' }).waitFor();
      assert.equal(await page.locator('fieldset.passenger').count(), 2);
    });
  } finally {
    await context.close();
    // Give the seats back for the next run.
    if (offeredBooking) await api('DELETE', `/api/bookings/${offeredBooking}`, undefined, me.tokens.token);
    await Promise.all(holds.map((h) => api('DELETE', `/api/bookings/${h.bookingId}`, undefined, h.tokens.token)));
  }
});
