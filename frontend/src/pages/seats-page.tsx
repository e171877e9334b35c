/**
 * Seat selection for one trip segment: the live seat map (with how current it is), up to 4 seats, and the
 * hold. A seat lost between the click and the hold (409 SEAT_UNAVAILABLE) is explained and the map
 * refreshed; the traveller stays here. Beside the map, "pick seats for me" holds seats chosen by the service
 * and shows them on the map before the traveller continues; a sold-out class offers its waitlist. The sale
 * date's status says "on sale from …" or sold out.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { isApiError } from '../api/errors.js';
import { newIdempotencyKey } from '../api/client.js';
import type { Coach, HoldResponse, Seat } from '../api/types.js';
import { FreshnessLabel } from '../components/freshness-label.js';
import { HoldCountdown } from '../components/hold-countdown.js';
import { PickForMe, type ClassOption } from '../components/pick-for-me.js';
import { SaleNotice } from '../components/sale-notice.js';
import { MAX_SEATS, SeatMap } from '../components/seat-map.js';
import { Notice } from '../components/notice.js';
import { dhakaDayOf, useI18n } from '../i18n/i18n.js';
import { useApi, useSession } from '../lib/app-context.js';
import { useTrip } from '../lib/catalog.js';
import { describeError } from '../lib/errors.js';
import { journey } from '../lib/journey.js';
import { useLiveSeats } from '../lib/live-seats.js';
import { navigate, useLocation } from '../lib/router.js';
import { useSale } from '../lib/sale.js';

export function SeatsPage({ tripId }: { tripId: number }) {
  const api = useApi();
  const session = useSession();
  const { t, money, num, time, date: fmtDate, dayOffset } = useI18n();
  const { query, href } = useLocation();
  const from = query.get('from') ?? undefined;
  const to = query.get('to') ?? undefined;
  const wantedClass = query.get('class');
  const trip = useTrip(api, tripId);
  const stops = useMemo(() => trip?.stops.map((s) => s.code) ?? null, [trip]);
  const { map, error, live, asOf, refresh } = useLiveSeats(api, tripId, from, to, stops);
  const sale = useSale(api, trip?.date);
  const [picked, setPicked] = useState<HoldResponse | null>(null);
  const [releasing, setReleasing] = useState(false);
  const pickedIds = useMemo(() => new Set(picked?.seats.map((s) => s.seatId) ?? []), [picked]);
  const now = useCallback(() => api.client.serverNow(), [api]);

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

  const classes = useMemo<ClassOption[]>(() => {
    const free = new Map<ClassOption['class'], number>();
    for (const c of map?.coaches ?? [])
      free.set(c.class, (free.get(c.class) ?? 0) + c.seats.filter((s) => s.status === 'available').length);
    return [...free].map(([seatClass, n]) => ({ class: seatClass, free: n }));
  }, [map]);

  const mustLogIn = () => {
    if (session) return true;
    navigate(`/login?next=${encodeURIComponent(href)}`);
    return false;
  };

  const onPicked = (held: HoldResponse) => {
    journey.saveHold(held);
    setSelected(new Set());
    setNotice(null);
    setPicked(held);
    // Show the coach the seats are in.
    const first = held.seats[0]?.seatId;
    const index = map?.coaches.findIndex((c) => c.seats.some((s) => s.seatId === first)) ?? -1;
    if (index >= 0) setCoachIndex(index);
  };

  const releasePicked = async () => {
    if (!picked || releasing) return;
    setReleasing(true);
    try {
      await api.cancel(picked.bookingId);
      setPicked(null);
      refresh();
    } catch (err) {
      setNotice({ kind: 'error', text: describeError(err, t) });
    } finally {
      setReleasing(false);
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
            · {fmtDate(fromStop?.departure ? dhakaDayOf(fromStop.departure) : trip.date)}
            {fromStop && toStop && (
              <>
                <br />
                {fromStop.name} {fromStop.departure && time(fromStop.departure)} → {toStop.name}{' '}
                {toStop.arrival && time(toStop.arrival)}
                {fromStop.departure && toStop.arrival && dayOffset(fromStop.departure, toStop.arrival) && (
                  <span className="day-offset">{dayOffset(fromStop.departure, toStop.arrival)}</span>
                )}
              </>
            )}
          </p>
        )}
        <p className={`live-badge${live ? ' on' : ''}`} role="status">
          <span className="dot" aria-hidden="true" />
          {live ? t('live') : t('liveOff')}
          {asOf !== undefined && (
            <>
              {' · '}
              <FreshnessLabel asOf={asOf} />
            </>
          )}
          {/* The train service served its last good statuses while booking is busy: say so, briefly. */}
          {map?.availability === 'stale' && <span className="stale-hint"> · {t('seatsStale')}</span>}
        </p>
      </header>

      <SaleNotice sale={sale} next={href} now={now()} />

      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}
      {error !== null && !map && <Notice kind="error">{describeError(error, t)}</Notice>}
      {!map && error === null && <p aria-busy="true">{t('loading')}</p>}

      <div className="seats-layout">
        {map && (
          <SeatMap
            coaches={map.coaches}
            selected={selected}
            picked={pickedIds}
            onToggle={toggle}
            activeCoach={activeCoach}
            onCoachChange={(i) => setCoachIndex(i)}
          />
        )}
        {map && !picked && classes.length > 0 && (
          <PickForMe
            key={`${map.from}-${map.to}`}
            tripId={tripId}
            from={map.from}
            to={map.to}
            classes={classes}
            initialClass={wantedClass}
            coach={map.coaches[activeCoach] && { code: map.coaches[activeCoach].code, class: map.coaches[activeCoach].class }}
            beforeHold={mustLogIn}
            onHeld={onPicked}
          />
        )}
      </div>

      {picked && (
        <section className="card picked">
          <Notice kind="success">
            {t('pickedNotice', {
              seats: picked.seats.map((s) => `${t('coach', { code: s.coach })} · ${s.label}`).join(', '),
            })}
          </Notice>
          {picked.expiresAt && (
            <HoldCountdown
              expiresAt={picked.expiresAt}
              now={now}
              onExpire={() => {
                setPicked(null);
                setNotice({ kind: 'warn', text: t('holdExpired') });
                refresh();
              }}
            />
          )}
          <div className="picked-actions">
            <button
              type="button"
              className="button primary"
              onClick={() => navigate(`/bookings/${encodeURIComponent(picked.bookingId)}/passengers`)}
            >
              {t('pickedContinue')} · {money(picked.amount)}
            </button>
            <button type="button" className="button" disabled={releasing} aria-busy={releasing} onClick={releasePicked}>
              {t('pickedRelease')}
            </button>
          </div>
        </section>
      )}

      {!picked && (
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
      )}
    </section>
  );
}
