/**
 * The seat map of one trip segment: coach tabs, then the chosen coach's seats laid out by row and column
 * with an aisle. Seats are buttons with full spoken labels ("Coach KA, seat 12, window, available");
 * one seat at a time is in the tab order and the arrow keys move between seats (a roving tabindex), Enter
 * or Space choose. Taken seats stay focusable (aria-disabled) so keyboard users hear that they are taken.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Coach, Seat } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';

export const MAX_SEATS = 4;

/** `picked`: held for this traveller by "pick seats for me", shown on the map until they continue. */
export type SeatView = 'available' | 'held' | 'booked' | 'selected' | 'picked';

export interface SeatMapProps {
  coaches: Coach[];
  selected: ReadonlySet<number>;
  onToggle: (seat: Seat, coach: Coach) => void;
  activeCoach: number;
  onCoachChange: (index: number) => void;
  max?: number;
  /** Seats "pick seats for me" is holding for this traveller (highlighted, not choosable). */
  picked?: ReadonlySet<number>;
}

interface Layout {
  rows: number[];
  columns: number[];
  /** Index in `columns` after which the aisle runs. */
  aisleAfter: number;
  byCell: Map<string, Seat>;
}

function layoutOf(coach: Coach): Layout {
  const rows = [...new Set(coach.seats.map((s) => s.row))].sort((a, b) => a - b);
  const columns = [...new Set(coach.seats.map((s) => s.column))].sort((a, b) => a - b);
  const byCell = new Map(coach.seats.map((s) => [`${s.row}:${s.column}`, s]));
  return { rows, columns, aisleAfter: Math.floor(columns.length / 2) - 1, byCell };
}

const NONE: ReadonlySet<number> = new Set();

export function SeatMap({
  coaches,
  selected,
  onToggle,
  activeCoach,
  onCoachChange,
  max = MAX_SEATS,
  picked = NONE,
}: SeatMapProps) {
  const { t, money, num } = useI18n();
  const coach = coaches[Math.min(activeCoach, coaches.length - 1)];
  const layout = useMemo(() => (coach ? layoutOf(coach) : null), [coach]);
  const [focusId, setFocusId] = useState<number | null>(null);
  const [limitHit, setLimitHit] = useState(false);
  const buttons = useRef(new Map<number, HTMLButtonElement>());
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);

  // Keep the roving focus on a seat of the visible coach.
  const rovingId =
    coach && focusId !== null && coach.seats.some((s) => s.seatId === focusId) ? focusId : (coach?.seats[0]?.seatId ?? null);

  useEffect(() => {
    if (selected.size < max) setLimitHit(false);
  }, [selected.size, max]);

  if (!coach || !layout) return null;

  const viewOf = (seat: Seat): SeatView =>
    picked.has(seat.seatId) ? 'picked' : selected.has(seat.seatId) ? 'selected' : seat.status;
  const statusText = (v: SeatView) =>
    t(
      v === 'available'
        ? 'stAvailable'
        : v === 'held'
          ? 'stHeld'
          : v === 'booked'
            ? 'stBooked'
            : v === 'picked'
              ? 'stPicked'
              : 'stSelected',
    );
  const labelOf = (seat: Seat) =>
    t('seatLabel', {
      coach: coach.code,
      seat: seat.label,
      position: t(seat.position === 'window' ? 'window' : 'aisle'),
      status: statusText(viewOf(seat)),
    });

  const toggle = (seat: Seat) => {
    const v = viewOf(seat);
    if (v === 'held' || v === 'booked' || v === 'picked') return;
    if (v === 'available' && selected.size >= max) {
      setLimitHit(true);
      return;
    }
    onToggle(seat, coach);
  };

  const moveFocus = (seat: Seat, dRow: number, dCol: number) => {
    const { rows, columns, byCell } = layout;
    let r = rows.indexOf(seat.row);
    let c = columns.indexOf(seat.column);
    // Walk in the direction until a seat exists (rows can be shorter than others).
    for (let steps = 0; steps < rows.length * columns.length; steps++) {
      r += dRow;
      c += dCol;
      if (r < 0 || r >= rows.length || c < 0 || c >= columns.length) return;
      const next = byCell.get(`${rows[r]}:${columns[c]}`);
      if (next) {
        setFocusId(next.seatId);
        buttons.current.get(next.seatId)?.focus();
        return;
      }
    }
  };

  const onSeatKey = (e: KeyboardEvent<HTMLButtonElement>, seat: Seat) => {
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0],
      ArrowDown: [1, 0],
      ArrowLeft: [0, -1],
      ArrowRight: [0, 1],
    };
    const move = moves[e.key];
    if (move) {
      e.preventDefault();
      moveFocus(seat, move[0], move[1]);
    } else if (e.key === 'Home' || e.key === 'End') {
      e.preventDefault();
      const inRow = coach.seats.filter((s) => s.row === seat.row).sort((a, b) => a.column - b.column);
      const target = e.key === 'Home' ? inRow[0] : inRow[inRow.length - 1];
      if (target) {
        setFocusId(target.seatId);
        buttons.current.get(target.seatId)?.focus();
      }
    }
  };

  const onTabKey = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const delta = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!delta) return;
    e.preventDefault();
    const next = (index + delta + coaches.length) % coaches.length;
    onCoachChange(next);
    tabs.current[next]?.focus();
  };

  const gridTemplate = layout.columns
    .map((_, i) => (i === layout.aisleAfter ? 'var(--seat) var(--aisle)' : 'var(--seat)'))
    .join(' ');

  return (
    <div className="seat-map">
      <div role="tablist" aria-label={t('coachTabs')} className="coach-tabs">
        {coaches.map((c, i) => {
          const free = c.seats.filter((s) => s.status === 'available' && !selected.has(s.seatId)).length;
          const mine = c.seats.filter((s) => selected.has(s.seatId) || picked.has(s.seatId)).length;
          return (
            <button
              key={c.coachId}
              ref={(el) => {
                tabs.current[i] = el;
              }}
              type="button"
              role="tab"
              id={`coach-tab-${c.coachId}`}
              data-coach={c.code}
              aria-selected={i === activeCoach}
              aria-controls={`coach-panel-${c.coachId}`}
              tabIndex={i === activeCoach ? 0 : -1}
              className="coach-tab"
              onClick={() => onCoachChange(i)}
              onKeyDown={(e) => onTabKey(e, i)}
            >
              <span className="coach-tab-code">{c.code}</span>
              <span className="coach-tab-meta">
                {t(`class_${c.class}`)} · {t('availableCount', { n: num(free) })}
              </span>
              {mine > 0 && <span className="coach-tab-mine">{num(mine)}</span>}
            </button>
          );
        })}
      </div>

      <div
        role="tabpanel"
        id={`coach-panel-${coach.coachId}`}
        aria-labelledby={`coach-tab-${coach.coachId}`}
        className="coach-panel"
      >
        <p className="coach-info">
          <strong>{t('coach', { code: coach.code })}</strong> · {t(`class_${coach.class}`)} ·{' '}
          {t('perSeat', { fare: money(coach.fare) })}
        </p>
        <p className="sr-only">{t('mapHelp')}</p>
        <div className="coach-body">
          <div className="coach-front" aria-hidden="true">
            {t('front')}
          </div>
          <div
            role="group"
            aria-label={t('coachSeats', { code: coach.code })}
            className="seat-grid"
            style={{ gridTemplateColumns: gridTemplate }}
          >
            {layout.rows.map((row) =>
              layout.columns.map((col, ci) => {
                const seat = layout.byCell.get(`${row}:${col}`);
                const gridColumn = ci + 1 + (ci > layout.aisleAfter ? 1 : 0);
                const gridRow = layout.rows.indexOf(row) + 1;
                if (!seat) return <span key={`${row}:${col}`} style={{ gridRow, gridColumn }} aria-hidden="true" />;
                const view = viewOf(seat);
                const taken = view === 'held' || view === 'booked' || view === 'picked';
                return (
                  <button
                    key={seat.seatId}
                    ref={(el) => {
                      if (el) buttons.current.set(seat.seatId, el);
                      else buttons.current.delete(seat.seatId);
                    }}
                    type="button"
                    className={`seat seat-${view}`}
                    data-seat-id={seat.seatId}
                    data-status={view}
                    style={{ gridRow, gridColumn }}
                    aria-label={labelOf(seat)}
                    aria-pressed={view === 'selected' || view === 'picked'}
                    aria-disabled={taken || undefined}
                    tabIndex={seat.seatId === rovingId ? 0 : -1}
                    onFocus={() => setFocusId(seat.seatId)}
                    onClick={() => toggle(seat)}
                    onKeyDown={(e) => onSeatKey(e, seat)}
                  >
                    {seat.label.replace(/^.*?-/, '')}
                  </button>
                );
              }),
            )}
          </div>
        </div>
      </div>

      <p className="seat-count" role="status" aria-live="polite">
        {limitHit ? t('limitReached', { max: num(max) }) : t('selectedCount', { n: num(selected.size), max: num(max) })}
      </p>

      <ul className="legend" aria-label={t('legend')}>
        {(picked.size > 0
          ? (['available', 'picked', 'held', 'booked'] as const)
          : (['available', 'selected', 'held', 'booked'] as const)
        ).map((v) => (
          <li key={v}>
            <span className={`seat seat-${v} seat-swatch`} aria-hidden="true" />
            {statusText(v)}
          </li>
        ))}
      </ul>
    </div>
  );
}
