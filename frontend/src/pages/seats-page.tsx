/**
 * Seat selection for one trip segment: the live seat map, up to 4 seats, and the hold. A seat lost between
 * the click and the hold (409 SEAT_UNAVAILABLE) is explained and the map refreshed; the traveller stays here.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { isApiError } from '../api/errors.js';
import { newIdempotencyKey } from '../api/client.js';
import type { Coach, Seat } from '../api/types.js';
import { MAX_SEATS, SeatMap } from '../components/seat-map.js';
import { Notice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useApi, useSession } from '../lib/app-context.js';
import { useTrip } from '../lib/catalog.js';
import { describeError } from '../lib/errors.js';
import { journey } from '../lib/journey.js';
import { useLiveSeats } from '../lib/live-seats.js';
import { navigate, useLocation } from '../lib/router.js';

export function SeatsPage({ tripId }: { tripId: number }) {
  const api = useApi();
  const session = useSession();
  const { t, money, num, time, date: fmtDate } = useI18n();
  const { query, href } = useLocation();
  const from = query.get('from') ?? undefined;
  const to = query.get('to') ?? undefined;
  const wantedClass = query.get('class');
  const trip = useTrip(api, tripId);
  const stops = useMemo(() => trip?.stops.map((s) => s.code) ?? null, [trip]);
  const { map, error, live, refresh } = useLiveSeats(api, tripId, from, to, stops);

  const [selected, setSelected] = useState<Set<number>>(() => new Set(journey.choice(tripId)));
  const [coachIndex, setCoachIndex] = useState<number | null>(null);
  const [notice, setNotice] = useState<{ kind: 'error' | 'warn'; text: string } | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const idempotencyKey = useRef<string | null>(null);

  // Open the first coach of the class chosen on the results page.
  const activeCoach = coachIndex ?? Math.max(0, map?.coaches.findIndex((c) => c.class === wantedClass) ?? 0);

  // Seats in my choice that someone else just took: drop them and say so.
  useEffect(() => {
    if (!map) return;
    const lost: Seat[] = [];
    for (const c of map.coaches) for (const s of c.seats) if (selected.has(s.seatId) && s.status !== 'available') lost.push(s);
    if (lost.length === 0) return;
    setSelected((prev) => {
      const next = new Set(prev);
      for (const s of lost) next.delete(s.seatId);
      return next;
    });
    setNotice({ kind: 'warn', text: t('seatLostLive', { seats: lost.map((s) => s.label).join(', ') }) });
  }, [map, selected, t]);

  useEffect(() => {
    journey.saveChoice(tripId, [...selected]);
    idempotencyKey.current = null; // a different choice is a different request
  }, [tripId, selected]);

  const seatsById = useMemo(() => {
    const m = new Map<number, { seat: Seat; coach: Coach }>();
    for (const coach of map?.coaches ?? []) for (const seat of coach.seats) m.set(seat.seatId, { seat, coach });
    return m;
  }, [map]);
  const amount = [...selected].reduce((sum, id) => sum + (seatsById.get(id)?.coach.fare ?? 0), 0);

  const toggle = (seat: Seat) => {
    setNotice(null);
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(seat.seatId)) next.delete(seat.seatId);
      else if (next.size < MAX_SEATS) next.add(seat.seatId);
      return next;
    });
  };

  const hold = async () => {
    if (submitting || selected.size === 0 || !map) return;
    if (!session) {
      navigate(`/login?next=${encodeURIComponent(href)}`);
      return;
    }
    setSubmitting(true);
    setNotice(null);
    idempotencyKey.current ??= newIdempotencyKey();
    try {
      const held = await api.selectSeats(
        { tripId, seatIds: [...selected], from: map.from, to: map.to },
        { idempotencyKey: idempotencyKey.current },
      );
      journey.saveHold(held);
      journey.saveChoice(tripId, []);
      navigate(`/bookings/${encodeURIComponent(held.bookingId)}/passengers`);
    } catch (err) {
      setSubmitting(false);
      if (isApiError(err) && err.code === 'SEAT_UNAVAILABLE') {
        const lostIds = err.seatIds.length ? err.seatIds : [...selected];
        const labels = lostIds.map((id) => seatsById.get(id)?.seat.label ?? String(id));
        setSelected((prev) => new Set([...prev].filter((id) => !lostIds.includes(id))));
        setNotice({ kind: 'warn', text: t('seatTaken', { seats: labels.join(', ') }) });
        refresh();
      } else {
        setNotice({ kind: 'error', text: describeError(err, t) });
      }
    }
  };

  const fromStop = trip?.stops.find((s) => s.code === map?.from);
  const toStop = trip?.stops.find((s) => s.code === map?.to);

  return (
    <section className="seats-page">
      <header className="trip-head">
        <h1>{t('seatsTitle')}</h1>
        {trip && (
          <p>
            <strong>
              {trip.trainName} ({trip.trainNumber})
            </strong>{' '}
            · {fmtDate(trip.date)}
            {fromStop && toStop && (
              <>
                <br />
                {fromStop.name} {fromStop.departure && time(fromStop.departure)} → {toStop.name}{' '}
                {toStop.arrival && time(toStop.arrival)}
              </>
            )}
          </p>
        )}
        <p className={`live-badge${live ? ' on' : ''}`} role="status">
          <span className="dot" aria-hidden="true" />
          {live ? t('live') : t('liveOff')}
          {/* The train service served its last good statuses while booking is busy: say so, briefly. */}
          {map?.availability === 'stale' && <span className="stale-hint"> · {t('seatsStale')}</span>}
        </p>
      </header>

      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {error !== null && !map && <Notice kind="error">{describeError(error, t)}</Notice>}
      {!map && error === null && <p aria-busy="true">{t('loading')}</p>}

      {map && (
        <SeatMap
          coaches={map.coaches}
          selected={selected}
          onToggle={toggle}
          activeCoach={activeCoach}
          onCoachChange={(i) => setCoachIndex(i)}
        />
      )}

      <div className="action-bar">
        <div className="action-summary">
          <span>{t('selectedCount', { n: num(selected.size), max: num(MAX_SEATS) })}</span>
          {selected.size > 0 && <strong>{money(amount)}</strong>}
        </div>
        <button
          type="button"
          className="button primary"
          disabled={selected.size === 0 || submitting}
          aria-busy={submitting}
          onClick={hold}
        >
          {selected.size === 0
            ? t('holdNone')
            : selected.size === 1
              ? t('holdButtonOne', { amount: money(amount) })
              : t('holdButton', { n: num(selected.size), amount: money(amount) })}
        </button>
      </div>
    </section>
  );
}
