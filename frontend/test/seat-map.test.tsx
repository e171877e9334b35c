// The seat map: states, the 4-seat limit, keyboard operation, spoken labels and coach tabs.
import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { Coach, Seat } from '../src/api/types.js';
import { SeatMap } from '../src/components/seat-map.js';
import { I18nProvider } from '../src/i18n/i18n.js';
import { coach } from './fixtures.js';

function Harness({ coaches, initial = [] }: { coaches: Coach[]; initial?: number[] }) {
  const [selected, setSelected] = useState(new Set(initial));
  const [active, setActive] = useState(0);
  const toggle = (seat: Seat) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (!next.delete(seat.seatId)) next.add(seat.seatId);
      return next;
    });
  return (
    <I18nProvider lang="en">
      <SeatMap coaches={coaches} selected={selected} onToggle={toggle} activeCoach={active} onCoachChange={setActive} />
    </I18nProvider>
  );
}

const seat = (name: string | RegExp) => screen.getByRole('button', { name });
const coaches = () => [coach('KA', 1, 3, 4, { 102: 'held', 103: 'booked' }), coach('KHA', 2)];

describe('SeatMap', () => {
  it('labels every seat with coach, number, position and state', () => {
    render(<Harness coaches={coaches()} initial={[105]} />);
    expect(seat('Coach KA, seat 1, window, available')).toBeTruthy();
    expect(seat('Coach KA, seat 2, aisle, held by someone').getAttribute('aria-disabled')).toBe('true');
    expect(seat('Coach KA, seat 3, aisle, booked').dataset.status).toBe('booked');
    const mine = seat('Coach KA, seat 5, window, selected');
    expect(mine.getAttribute('aria-pressed')).toBe('true');
    expect(mine.className).toContain('seat-selected');
  });

  it('selects and unselects available seats but never held or booked ones', async () => {
    const user = userEvent.setup();
    render(<Harness coaches={coaches()} />);
    await user.click(seat(/seat 1, window, available/));
    expect(seat(/seat 1, window, selected/).getAttribute('aria-pressed')).toBe('true');
    await user.click(seat(/seat 2, aisle, held/));
    await user.click(seat(/seat 3, aisle, booked/));
    expect(screen.getByRole('status').textContent).toBe('1 of 4 seats selected');
    await user.click(seat(/seat 1, window, selected/));
    expect(screen.getByRole('status').textContent).toBe('0 of 4 seats selected');
  });

  it('stops at 4 seats and says why', async () => {
    const user = userEvent.setup();
    render(<Harness coaches={coaches()} />);
    for (const n of [1, 4, 5, 6]) await user.click(seat(new RegExp(`seat ${n},.*available`)));
    expect(screen.getByRole('status').textContent).toBe('4 of 4 seats selected');
    await user.click(seat(/seat 7, aisle, available/));
    expect(seat(/seat 7, aisle, available/).getAttribute('aria-pressed')).toBe('false');
    expect(screen.getByRole('status').textContent).toBe('You can choose up to 4 seats per booking.');
    expect(screen.getAllByRole('button', { pressed: true })).toHaveLength(4);
  });

  it('moves between seats with the arrow keys and chooses with Enter and Space', async () => {
    const user = userEvent.setup();
    render(<Harness coaches={coaches()} />);
    const first = seat(/seat 1,/);
    expect(first.tabIndex).toBe(0);
    expect(seat(/seat 2,/).tabIndex).toBe(-1); // one tab stop for the whole map
    first.focus();
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(seat(/seat 5,/));
    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(seat(/seat 6,/));
    await user.keyboard('{Enter}');
    expect(seat(/seat 6, aisle, selected/)).toBe(document.activeElement);
    await user.keyboard('{ArrowUp}');
    expect(document.activeElement).toBe(seat(/seat 2,/)); // taken seats stay reachable, and say so
    await user.keyboard(' ');
    expect(seat(/seat 2, aisle, held/).getAttribute('aria-pressed')).toBe('false');
    await user.keyboard('{End}');
    expect(document.activeElement).toBe(seat(/seat 4,/));
    await user.keyboard(' ');
    expect(seat(/seat 4, window, selected/)).toBeTruthy();
    await user.keyboard('{ArrowRight}'); // edge of the coach: focus stays
    expect(document.activeElement).toBe(seat(/seat 4,/));
  });

  it('switches coaches with tabs (click or arrow keys) and keeps the choice', async () => {
    const user = userEvent.setup();
    render(<Harness coaches={coaches()} initial={[101]} />);
    const tabs = screen.getAllByRole('tab');
    expect(tabs.map((t) => t.getAttribute('aria-selected'))).toEqual(['true', 'false']);
    expect(screen.getByRole('tabpanel').getAttribute('aria-labelledby')).toBe(tabs[0]?.id);
    await user.click(tabs[1]!);
    expect(seat('Coach KHA, seat 1, window, available')).toBeTruthy();
    fireEvent.keyDown(screen.getAllByRole('tab')[1]!, { key: 'ArrowRight' });
    expect(seat('Coach KA, seat 1, window, selected')).toBeTruthy();
    expect(screen.getAllByRole('tab')[0]?.getAttribute('aria-selected')).toBe('true');
  });

  it('lays out rows and columns with an aisle', () => {
    render(<Harness coaches={coaches()} />);
    const grid = screen.getByRole('group', { name: 'Seats in coach KA' });
    expect((grid as HTMLElement).style.gridTemplateColumns).toBe('var(--seat) var(--seat) var(--aisle) var(--seat) var(--seat)');
    expect(seat(/seat 3,/).style.gridColumn).toBe('4'); // right of the aisle
    expect(seat(/seat 9,/).style.gridRow).toBe('3');
  });

  it('does not call onToggle for a taken seat', () => {
    const onToggle = vi.fn();
    const c = coach('KA', 1, 1, 4, { 101: 'booked' });
    render(
      <I18nProvider lang="en">
        <SeatMap coaches={[c]} selected={new Set()} onToggle={onToggle} activeCoach={0} onCoachChange={() => undefined} />
      </I18nProvider>,
    );
    fireEvent.click(seat(/seat 1,/));
    expect(onToggle).not.toHaveBeenCalled();
    fireEvent.click(seat(/seat 2,/));
    expect(onToggle).toHaveBeenCalledTimes(1);
  });
});
