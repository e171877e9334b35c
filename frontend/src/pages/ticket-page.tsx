/**
 * A booking's page: after payment it polls until the booking is CONFIRMED (the payment event travels
 * through the queue), then shows the e-ticket with its QR code.
 */
import { useEffect, useState } from 'react';
import type { Booking } from '../api/types.js';
import { Notice } from '../components/notice.js';
import { QrCode } from '../components/qr-code.js';
import { useI18n } from '../i18n/i18n.js';
import { useApi, useRequireSession } from '../lib/app-context.js';
import { stationName, useStations, useTrip } from '../lib/catalog.js';
import { describeError } from '../lib/errors.js';
import { Link, useLocation } from '../lib/router.js';
import { seatsHref } from './use-booking.js';

const FINAL = new Set(['CONFIRMED', 'EXPIRED', 'CANCELLED']);

export function TicketPage({ id }: { id: string }) {
  const api = useApi();
  const signedIn = useRequireSession();
  const { t, money, time, date: fmtDate, num } = useI18n();
  const { query } = useLocation();
  const justPaid = query.get('paid') === '1';
  const [booking, setBooking] = useState<Booking>();
  const [error, setError] = useState<unknown>(null);
  const trip = useTrip(api, booking?.tripId);
  const stations = useStations(api);

  useEffect(() => {
    if (!signedIn) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ctrl = new AbortController();
    const poll = async (attempt: number) => {
      try {
        const b = await api.booking(id, { signal: ctrl.signal });
        if (stop) return;
        setBooking(b);
        setError(null);
        // Poll while the payment is being applied; gently slower the longer it takes.
        if (!FINAL.has(b.status) && (justPaid || b.status === 'PENDING_PAYMENT'))
          timer = setTimeout(() => void poll(attempt + 1), Math.min(750 * 1.3 ** attempt, 5000));
      } catch (err) {
        if (stop) return;
        setError(err);
        timer = setTimeout(() => void poll(attempt + 1), 5000);
      }
    };
    void poll(0);
    return () => {
      stop = true;
      ctrl.abort();
      clearTimeout(timer);
    };
  }, [api, id, justPaid, signedIn]);

  if (!signedIn) return null;
  if (!booking)
    return error !== null ? <Notice kind="error">{describeError(error, t)}</Notice> : <p aria-busy="true">{t('loading')}</p>;

  if (booking.status === 'EXPIRED')
    return (
      <section className="card">
        <Notice kind="warn">{t('bookingExpired')}</Notice>
        <Link className="button primary" to={seatsHref(booking)}>
          {t('chooseAgain')}
        </Link>
      </section>
    );
  if (booking.status === 'CANCELLED') return <Notice>{t('bookingCancelled')}</Notice>;
  if (booking.status !== 'CONFIRMED') {
    if (justPaid)
      return (
        <section className="card center" aria-live="polite">
          <span className="spinner large" aria-hidden="true" />
          <p>{t('confirming')}</p>
        </section>
      );
    const next = booking.status === 'HELD' ? 'passengers' : 'pay';
    return (
      <section className="card">
        <p>{t(`status_${booking.status}`)}</p>
        <Link className="button primary" to={`/bookings/${encodeURIComponent(id)}/${next}`}>
          {t('continue')}
        </Link>
      </section>
    );
  }

  const fromStop = trip?.stops.find((s) => s.code === booking.from);
  const toStop = trip?.stops.find((s) => s.code === booking.to);
  const ref = booking.reference ?? '';
  return (
    <section className="ticket" aria-labelledby="ticket-title">
      <Notice kind="success">{t('confirmed')}</Notice>
      <div className="card ticket-card">
        <h1 id="ticket-title">{t('ticketTitle')}</h1>
        <div className="ticket-top">
          <div>
            <p className="muted small">{t('reference')}</p>
            <p className="reference" data-testid="booking-reference">
              {ref}
            </p>
          </div>
          {/* The signed e-ticket string when the booking carries it; otherwise the reference, which a checker looks up. */}
          {(booking.qr ?? ref) && <QrCode payload={booking.qr ?? ref} label={t('qrAlt', { ref })} />}
        </div>
        <dl className="ticket-facts">
          <div>
            <dt>{t('train')}</dt>
            <dd>{trip ? `${trip.trainName} (${trip.trainNumber})` : '…'}</dd>
          </div>
          <div>
            <dt>{t('journey')}</dt>
            <dd>
              {fromStop?.name ?? stationName(stations, booking.from)} {fromStop?.departure && time(fromStop.departure)} →{' '}
              {toStop?.name ?? stationName(stations, booking.to)} {toStop?.arrival && time(toStop.arrival)}
              {trip && <span className="muted"> · {fmtDate(trip.date)}</span>}
            </dd>
          </div>
          <div>
            <dt>{t('seats')}</dt>
            <dd>{booking.seats.map((s) => `${t('coach', { code: s.coach })} · ${s.label}`).join(', ')}</dd>
          </div>
          <div>
            <dt>{t('passengers')}</dt>
            <dd>
              <ul className="plain">
                {(booking.passengers ?? []).map((p, i) => (
                  <li key={i}>
                    {p.name}
                    {p.age !== undefined && p.age !== null ? `, ${num(p.age)}` : ''}
                  </li>
                ))}
              </ul>
            </dd>
          </div>
          <div>
            <dt>{t('total')}</dt>
            <dd>{money(booking.amount)}</dd>
          </div>
        </dl>
      </div>
      <p>
        <Link to="/bookings">{t('navBookings')}</Link>
      </p>
    </section>
  );
}
