/**
 * A booking's page: after payment it polls until the booking is CONFIRMED (the payment event travels
 * through the queue), then shows the e-ticket with the signed QR a checker verifies, fetched from the
 * notification service. If that cannot be had, the QR carries the reference (a checker can look it up), quietly.
 */
import { useEffect, useState } from 'react';
import { ApiError } from '../api/errors.js';
import type { Booking } from '../api/types.js';
import { Notice } from '../components/notice.js';
import { QrCode } from '../components/qr-code.js';
import { dhakaDayOf, useI18n } from '../i18n/i18n.js';
import { useApi, useRequireSession } from '../lib/app-context.js';
import { stationName, useStations, useTrip } from '../lib/catalog.js';
import { describeError } from '../lib/errors.js';
import { Link, useLocation } from '../lib/router.js';
import { seatsHref } from './use-booking.js';

const FINAL = new Set(['CONFIRMED', 'EXPIRED', 'CANCELLED']);
/**
 * The ticket is issued from the booking.confirmed event, a moment after the booking reads CONFIRMED, so a
 * 404 is asked again a few times before falling back to the reference.
 */
const QR_NOT_YET_RETRIES_MS = [500, 1000, 2000];

export function TicketPage({ id }: { id: string }) {
  const api = useApi();
  const signedIn = useRequireSession();
  const { t, money, time, date: fmtDate, num, dayOffset } = useI18n();
  const { query } = useLocation();
  const justPaid = query.get('paid') === '1';
  const [booking, setBooking] = useState<Booking>();
  const [error, setError] = useState<unknown>(null);
  /** The signed QR: undefined while it is being fetched, null when it could not be had. */
  const [signedQr, setSignedQr] = useState<string | null>();
  const confirmed = booking?.status === 'CONFIRMED';
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

  useEffect(() => {
    if (!signedIn || !confirmed) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ctrl = new AbortController();
    const load = async (attempt: number) => {
      try {
        const ticket = await api.ticketQr(id, { signal: ctrl.signal });
        if (!stop) setSignedQr(ticket.qr);
      } catch (err) {
        if (stop) return;
        const wait = QR_NOT_YET_RETRIES_MS[attempt];
        if (err instanceof ApiError && err.status === 404 && wait !== undefined)
          timer = setTimeout(() => void load(attempt + 1), wait);
        else setSignedQr(null);
      }
    };
    void load(0);
    return () => {
      stop = true;
      ctrl.abort();
      clearTimeout(timer);
    };
  }, [api, id, signedIn, confirmed]);

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
  const qrPayload = signedQr === undefined ? undefined : (signedQr ?? booking.qr ?? ref);
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
          {/* The signed e-ticket string; the reference (which a checker looks up) only if it could not be had. */}
          {qrPayload === undefined ? (
            <div className="qr qr-placeholder" aria-busy="true" />
          ) : (
            qrPayload && <QrCode payload={qrPayload} label={t('qrAlt', { ref })} />
          )}
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
              {fromStop?.departure && toStop?.arrival && dayOffset(fromStop.departure, toStop.arrival) && (
                <span className="day-offset">{dayOffset(fromStop.departure, toStop.arrival)}</span>
              )}
              {/* The day the traveller boards (a stop after midnight is the next day of the train's service date). */}
              {trip && (
                <span className="muted"> · {fmtDate(fromStop?.departure ? dhakaDayOf(fromStop.departure) : trip.date)}</span>
              )}
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
