// "Pick seats for me" beside the seat map: the allocation it asks for, the picked seats highlighted on the
// map, taking fewer seats when fewer are free, and the waitlist when the class is sold out.
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { HoldResponse, SeatMap } from '../src/api/types.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { ApiProvider } from '../src/lib/app-context.js';
import { SeatsPage } from '../src/pages/seats-page.js';
import { coach, seatMap } from './fixtures.js';
import { problemBody, routedApi, type Routed } from './queue-fixtures.js';

const held = (seatIds: number[]): HoldResponse => ({
  bookingId: '6f1c1d7e-2f6a-4a55-9a39-3b0a4d6f0a11',
  status: 'HELD',
  expiresAt: new Date(Date.now() + 300_000).toISOString(),
  tripId: 7,
  from: 'DHK',
  to: 'CTG',
  seats: seatIds.map((id) => ({ seatId: id, label: String(id % 100), coach: 'KHA', class: 'S_CHAIR' })),
  amount: 405 * seatIds.length,
  currency: 'BDT',
});

function renderSeats(map: SeatMap, select: (call: Routed) => [number, unknown], lang: 'en' | 'bn' = 'en') {
  const routed = routedApi((call) => {
    if (call.path.startsWith('/api/trains/trips/7/seats')) return [200, map];
    if (call.path === '/api/trains/trips/7') return [404, problemBody(404, 'TRIP_NOT_FOUND')];
    if (call.path === '/api/bookings/seats/select') return select(call);
    if (call.path === '/api/bookings/waitlist')
      return [201, { waitlistId: '0d7e2c9a-4c1b-4b7e-8d7e-1f2a3b4c5d6e', position: 3, status: 'WAITING' }];
    throw new Error(`unexpected ${call.method} ${call.path}`);
  });
  window.history.replaceState(null, '', '/trips/7/seats?from=DHK&to=CTG&class=S_CHAIR');
  render(
    <ApiProvider api={routed.api}>
      <I18nProvider lang={lang}>
        <SeatsPage tripId={7} />
      </I18nProvider>
    </ApiProvider>,
  );
  return routed;
}

const form = () => within(screen.getByRole('region', { name: 'Pick seats for me' }));

describe('Pick seats for me', () => {
  it('asks for class, count, side by side and window, then highlights the held seats on the map', async () => {
    const user = userEvent.setup();
    const { calls } = renderSeats(seatMap(), () => [201, held([205, 206])]);
    await screen.findAllByRole('button', { name: /Coach KA, seat 1,/ });
    await user.selectOptions(form().getByLabelText('Number of seats'), '2');
    expect((form().getByLabelText('Side by side') as HTMLInputElement).checked).toBe(true);
    await user.click(form().getByLabelText('window'));
    await user.click(form().getByRole('button', { name: 'Pick and hold seats' }));

    const select = calls.find((c) => c.path === '/api/bookings/seats/select');
    expect(select?.body).toEqual({
      tripId: 7,
      from: 'DHK',
      to: 'CTG',
      class: 'S_CHAIR',
      count: 2,
      together: true,
      preference: 'window',
    });
    expect(select?.headers['idempotency-key']).toBeTruthy();

    await screen.findByText('We picked Coach KHA · 5, Coach KHA · 6 for you and are holding them.');
    // The map switched to coach KHA and shows the two seats as picked for me.
    const picked = document.querySelectorAll('button.seat[data-status="picked"]');
    expect([...picked].map((b) => b.getAttribute('data-seat-id'))).toEqual(['205', '206']);
    expect(picked[0]?.getAttribute('aria-label')).toBe('Coach KHA, seat 5, window, picked for you');
    expect(screen.getByRole('timer').textContent).toMatch(/Seats held for [45]:\d\d/);
    expect(screen.getByRole('button', { name: /Continue with these seats/ })).toBeTruthy();
    expect(screen.queryByRole('region', { name: 'Pick seats for me' })).toBeNull();
  });

  it('offers to take the seats that are left when fewer are free (409 NOT_ENOUGH_SEATS)', async () => {
    const user = userEvent.setup();
    const bodies: unknown[] = [];
    const { calls } = renderSeats(seatMap(), (call) => {
      bodies.push(call.body);
      return bodies.length === 1 ? [409, problemBody(409, 'NOT_ENOUGH_SEATS', { seatsLeft: 3 })] : [201, held([201, 204, 205])];
    });
    await screen.findAllByRole('button', { name: /Coach KA, seat 1,/ });
    await user.selectOptions(form().getByLabelText('Number of seats'), '4');
    await user.click(form().getByRole('button', { name: 'Pick and hold seats' }));
    await form().findByText('Only 3 seats of this class are free for your journey.');
    await user.click(form().getByRole('button', { name: 'Take 3 seats instead' }));
    await screen.findByText(/We picked .* for you and are holding them\./);
    expect(bodies[1]).toMatchObject({ class: 'S_CHAIR', count: 3, together: true });
    expect(calls.filter((c) => c.path === '/api/bookings/seats/select')).toHaveLength(2);
  });

  it('offers the waitlist when the class is sold out, and says the place in line', async () => {
    const user = userEvent.setup();
    const soldOut = seatMap({
      coaches: [coach('KA', 1, 2, 2, { 101: 'booked', 102: 'held', 103: 'booked', 104: 'booked' })],
    });
    const { calls } = renderSeats(soldOut, () => [409, problemBody(409, 'NOT_ENOUGH_SEATS', { seatsLeft: 0 })]);
    await screen.findAllByRole('button', { name: /Coach KA, seat 1,/ });
    expect(form().getByText('Shovan Chair is sold out for this journey.')).toBeTruthy();
    expect(form().queryByRole('button', { name: 'Pick and hold seats' })).toBeNull();
    await user.selectOptions(form().getByLabelText('Seats wanted'), '2');
    await user.click(form().getByRole('button', { name: 'Join the waitlist' }));
    await form().findByText(/You are number 3 on the waitlist\./);
    expect(calls.find((c) => c.path === '/api/bookings/waitlist')?.body).toEqual({
      tripId: 7,
      from: 'DHK',
      to: 'CTG',
      class: 'S_CHAIR',
      count: 2,
    });
  });

  it('speaks Bengali', async () => {
    renderSeats(seatMap(), () => [201, held([205])], 'bn');
    await screen.findAllByRole('button', { name: /বগি KA, আসন 1,/ });
    const region = within(screen.getByRole('region', { name: 'আমার জন্য আসন বেছে দিন' }));
    expect(region.getByLabelText('পাশাপাশি')).toBeTruthy();
    expect(region.getByRole('button', { name: 'আসন বেছে ধরে রাখুন' })).toBeTruthy();
  });
});

describe('seats page before the hold', () => {
  it('sends the traveller to log in first when signed out', async () => {
    const user = userEvent.setup();
    const routed = routedApi((call) => {
      if (call.path.startsWith('/api/trains/trips/7/seats')) return [200, seatMap()];
      return [404, problemBody(404, 'TRIP_NOT_FOUND')];
    }, false);
    window.history.replaceState(null, '', '/trips/7/seats?from=DHK&to=CTG');
    render(
      <ApiProvider api={routed.api}>
        <I18nProvider lang="en">
          <SeatsPage tripId={7} />
        </I18nProvider>
      </ApiProvider>,
    );
    await screen.findAllByRole('button', { name: /Coach KA, seat 1,/ });
    await user.click(form().getByRole('button', { name: 'Pick and hold seats' }));
    await waitFor(() => expect(window.location.pathname).toBe('/login'));
    expect(routed.calls.some((c) => c.path === '/api/bookings/seats/select')).toBe(false);
  });
});
