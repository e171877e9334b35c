// The waiting room, end to end: an operator (through the admin API) schedules a date's opening ~20 s ahead
// with its room already open; the traveller sees "on sale from" on the results, joins the room before the
// opening, waits (the pre-queue, then the line), is admitted and moved on to the seat map by the page itself,
// and buys a ticket, every hot request carrying the room's pass. Three other travellers wait in the room too.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, Request } from 'playwright-core';
import {
  adminToken,
  api,
  apiOk,
  dhakaDate,
  eventually,
  explainFailure,
  findTrip,
  freeSeats,
  launch,
  newContext,
  otpFromInbox,
  registerAndLogin,
  seatButton,
  showCoach,
  signIn,
  type Tokens,
} from '../lib.js';

let browser: Browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

interface Sale {
  date: string;
  opensAt: string;
  roomActive: boolean;
  status: string;
}
interface Place {
  status: string;
  position: number | null;
  pollAfterSeconds: number;
}

const OPENS_IN_MS = 20_000;

test('join the waiting room before the opening, wait, get admitted and buy', { timeout: 240_000 }, async () => {
  const me = await registerAndLogin();
  const others: Tokens[] = [];
  for (let i = 0; i < 3; i++) others.push((await registerAndLogin()).tokens);
  const admin = await adminToken();
  // A far day of the sales window: its own sale, away from the days most tests buy on.
  const { date, trip, map } = await findTrip(
    'DHK',
    'CTG',
    [10, 9, 8, 7].map((d) => dhakaDate(d)),
  );
  const { coach, seatIds } = freeSeats(map, 1);
  const before = await apiOk<Sale>('GET', `/api/queue/sales/${date}`);
  // The date's operator settings as they were, to put back afterwards (a PUT's capacity stays in Redis).
  const settingsBefore = await apiOk<{ activeShoppers: number; admissionsPerSecond: number; roomOpensMinutesBefore: number }>(
    'GET',
    `/api/queue/admin/sales/${date}`,
    undefined,
    admin,
  );

  const opensAt = new Date(Date.now() + OPENS_IN_MS).toISOString();
  await apiOk(
    'PUT',
    `/api/queue/admin/sales/${date}`,
    { opensAt, roomOpensMinutesBefore: 5, activeShoppers: 50, admissionsPerSecond: 1, mode: 'scheduled' },
    admin,
  );
  // The room switches on at the queue service's next admission tick: joins before it are refused QUEUE_NOT_OPEN.
  await eventually(
    async () => (await api<Sale>('GET', `/api/queue/sales/${date}`)).body.roomActive === true,
    10_000,
    'the room to switch on',
  );
  let othersWaiting = true;
  const keepCheckingIn = others.map(async (tokens) => {
    await apiOk<Place>('POST', `/api/queue/sales/${date}/join`, undefined, tokens.token);
    while (othersWaiting) {
      const res = await api<Place>('GET', `/api/queue/sales/${date}/me`, undefined, tokens.token);
      if (res.status !== 200 || res.body.status !== 'waiting') return;
      await new Promise((r) => setTimeout(r, (res.body.pollAfterSeconds ?? 2) * 1000));
    }
  });

  const context = await newContext(browser, 'phone');
  await signIn(context, me.tokens);
  const page = await context.newPage();
  const hot: { url: string; pass: string | undefined }[] = [];
  page.on('request', (r: Request) => {
    if (/\/api\/bookings\/seats\/(select|confirm)$/.test(r.url()) || /\/api\/trains\/trips\/\d+\/seats/.test(r.url()))
      hot.push({ url: r.url(), pass: r.headers()['x-queue-pass'] });
  });
  try {
    await explainFailure(page, 'waiting-room', async () => {
      // The results say when the date goes on sale, and the class link leads through the room.
      await page.goto(`/results?from=${map.from}&to=${map.to}&date=${date}`);
      await page
        .getByText(/^On sale from /)
        .first()
        .waitFor();
      const link = page.locator(`a.class-row[href^="/queue/${date}?next="][href*="trips%2F${trip.tripId}%2Fseats"]`).first();
      await link.click();

      // In the room before the opening: the draw at the opening, the countdown, keep the page open.
      await page.getByRole('heading', { name: 'Waiting room' }).waitFor();
      await page.getByText(/gets a place drawn at random at the opening/).waitFor();
      assert.ok(Date.now() < Date.parse(opensAt), 'joined before the opening');
      await page
        .getByRole('timer')
        .filter({ hasText: /^Opens in \d+:\d\d$/ })
        .waitFor();
      await page.getByText('Keep this page open: you keep your place.').waitFor();
      await page.getByRole('progressbar', { name: 'Your progress in the line' }).waitFor();

      // After the opening: admitted (perhaps after a moment in line), and moved on to the seat map by itself.
      await page.getByRole('heading', { name: 'Choose your seats' }).waitFor({ timeout: OPENS_IN_MS + 60_000 });
      assert.ok(Date.now() >= Date.parse(opensAt) - 1000, 'admitted only at the opening');
      assert.match(new URL(page.url()).pathname, new RegExp(`^/trips/${trip.tripId}/seats$`));

      await showCoach(page, coach);
      await seatButton(page, seatIds[0]!).click();
      await page.getByRole('button', { name: /^Hold 1 seat/ }).click();
      await page.getByRole('heading', { name: 'Passenger details' }).waitFor();
      await page.locator('input[name="name-0"]').fill('Nusrat Jahan');
      await page.getByRole('button', { name: 'Send verification code' }).click();
      await page.getByRole('heading', { name: 'Verify it is you' }).waitFor();
      const hint = page.locator('.dev-hint');
      const otp = (await hint.count())
        ? /(\d{6})/.exec((await hint.textContent()) ?? '')?.[1]
        : await otpFromInbox(me.user.phone);
      assert.ok(otp, 'an OTP to type');
      await page.getByLabel('Verification code').fill(otp);
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.getByRole('heading', { name: 'Payment', exact: true }).waitFor();
      await page.getByRole('button', { name: '4242 4242 4242 4242' }).click();
      await page.getByRole('button', { name: /^Pay ৳/ }).click();
      await eventually(
        async () => ((await page.getByTestId('booking-reference').textContent({ timeout: 1000 }))?.trim().length ?? 0) >= 6,
        30_000,
        'the e-ticket',
      );
      await page.getByRole('heading', { name: 'Your e-ticket' }).waitFor();

      // Every seat map, select and confirm after the admission carried the pass.
      const afterAdmission = hot.filter((h) => h.url.includes(`/trips/${trip.tripId}/seats`) || h.url.includes('/seats/'));
      const select = afterAdmission.find((h) => h.url.endsWith('/seats/select'));
      const confirm = afterAdmission.find((h) => h.url.endsWith('/seats/confirm'));
      assert.ok(select?.pass, 'the select carried X-Queue-Pass');
      assert.ok(confirm?.pass, 'the confirm carried X-Queue-Pass');
    });
  } finally {
    othersWaiting = false;
    await context.close();
    await Promise.allSettled(keepCheckingIn);
    // Put the date's opening back as it was.
    await api(
      'PUT',
      `/api/queue/admin/sales/${date}`,
      {
        opensAt: before.opensAt,
        mode: 'scheduled',
        activeShoppers: settingsBefore.activeShoppers,
        admissionsPerSecond: settingsBefore.admissionsPerSecond,
        roomOpensMinutesBefore: settingsBefore.roomOpensMinutesBefore,
      },
      admin,
    );
  }
});
