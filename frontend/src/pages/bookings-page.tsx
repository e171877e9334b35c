/**
 * My bookings, newest first, with a two-step cancel; above them my waitlist places (the position while
 * waiting, and a clear notice when seats are offered, with the way on to pay before the offer runs out).
 * While any place is waiting the list is looked at again every few seconds, so an offer shows up here.
 */
import { useEffect, useState } from 'react';
import type { Booking, WaitlistEntry } from '../api/types.js';
import { Notice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useApi, useRequireSession } from '../lib/app-context.js';
import { stationName, useStations, useTrip } from '../lib/catalog.js';
import { describeError } from '../lib/errors.js';
import { Link } from '../lib/router.js';
import { useAsync } from '../lib/use-async.js';

export function BookingsPage() {
  const api = useApi();
  const signedIn = useRequireSession();
  const { t } = useI18n();
  const { data, error, loading, reload } = useAsync(
    (signal) => (signedIn ? api.bookings({}, { signal }) : Promise.resolve(undefined)),
    [signedIn],
  );
  const [message, setMessage] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const waitlist = useAsync(
    (signal) => (signedIn ? api.waitlist({ signal, retryBusy: false }) : Promise.resolve(undefined)),
    [signedIn],
  );
  const entries = (waitlist.data?.items ?? []).filter((w) => w.status !== 'LEFT');
  const waiting = entries.some((w) => w.status === 'WAITING');
  const offers = entries.filter((w) => w.status === 'OFFERED');
  const offerKey = offers.map((w) => w.waitlistId).join();

  // An offer turns a waiting place into a held booking: look again while something waits.
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => waitlist.reload(), WAITLIST_POLL_MS);
    return () => clearInterval(timer);
  }, [waiting, waitlist.reload]);
  useEffect(() => {
    if (offerKey) reload();
  }, [offerKey, reload]);

  if (!signedIn) return null;
  return (
    <section>
      <h1>{t('bookingsTitle')}</h1>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
      {offers.map((w) => (
        <OfferNotice key={w.waitlistId} entry={w} />
      ))}
      {entries.length > 0 && (
        <section className="waitlist" aria-labelledby="waitlist-title">
          <h2 id="waitlist-title">{t('waitlistTitle')}</h2>
          <ul className="bookings">
            {entries.map((w) => (
              <WaitlistRow
                key={w.waitlistId}
                entry={w}
                onLeft={(err) => {
                  setMessage(
                    err === null ? { kind: 'success', text: t('waitlistLeft') } : { kind: 'error', text: describeError(err, t) },
                  );
                  waitlist.reload();
                  reload();
                }}
              />
            ))}
          </ul>
        </section>
      )}
      {error !== null && <Notice kind="error">{describeError(error, t)}</Notice>}
      {loading && !data && <p aria-busy="true">{t('loading')}</p>}
      {data && data.items.length === 0 && <Notice>{t('noBookings')}</Notice>}
      <ul className="bookings">
        {data?.items.map((b) => (
          <BookingRow
            key={b.bookingId}
            booking={b}
            onCancelled={(err) => {
              setMessage(
                err === null ? { kind: 'success', text: t('cancelled') } : { kind: 'error', text: describeError(err, t) },
              );
              reload();
            }}
          />
        ))}
      </ul>
    </section>
  );
}

export const WAITLIST_POLL_MS = 5000;

function OfferNotice({ entry: w }: { entry: WaitlistEntry }) {
  const { t, dateTime } = useI18n();
  return (
    <div className="waitlist-offer" data-waitlist-id={w.waitlistId}>
      <Notice kind="success">
        <strong>
          {w.offerExpiresAt ? t('waitlistOffered', { time: dateTime(w.offerExpiresAt) }) : t('waitlistOffered', { time: '…' })}
        </strong>{' '}
        {w.bookingId && (
          <Link className="button primary" to={`/bookings/${encodeURIComponent(w.bookingId)}/passengers`}>
            {t('waitlistPay')}
          </Link>
        )}
      </Notice>
    </div>
  );
}

function WaitlistRow({ entry: w, onLeft }: { entry: WaitlistEntry; onLeft: (err: unknown) => void }) {
  const api = useApi();
  const { t, num, date: fmtDate } = useI18n();
  const stations = useStations(api);
  const trip = useTrip(api, w.tripId);
  const [busy, setBusy] = useState(false);
  const leavable = w.status === 'WAITING' || w.status === 'OFFERED';

  const leave = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await api.leaveWaitlist(w.waitlistId);
      onLeft(null);
    } catch (err) {
      onLeft(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="card booking-row waitlist-row" data-waitlist-id={w.waitlistId}>
      <div className="booking-main">
        <span className={`badge badge-wl-${w.status.toLowerCase()}`}>{t(`wl_${w.status}`)}</span>
        <strong>
          {stationName(stations, w.from)} → {stationName(stations, w.to)}
        </strong>
        {trip && (
          <span className="muted">
            {' '}
            · {trip.trainName} · {fmtDate(trip.date)}
          </span>
        )}
        <p className="muted small">
          {t('waitlistWants', { n: num(w.count), class: t(`class_${w.class}`) })}
          {w.status === 'WAITING' && w.position !== null && (
            <>
              {' · '}
              <strong className="waitlist-position">{t('waitlistPosition', { n: num(w.position) })}</strong>
            </>
          )}
        </p>
      </div>
      {leavable && (
        <div className="booking-actions">
          <button type="button" className="button danger-outline" disabled={busy} aria-busy={busy} onClick={leave}>
            {t('waitlistLeave')}
          </button>
        </div>
      )}
    </li>
  );
}

function BookingRow({ booking: b, onCancelled }: { booking: Booking; onCancelled: (err: unknown) => void }) {
  const api = useApi();
  const { t, money, date: fmtDate } = useI18n();
  const stations = useStations(api);
  const trip = useTrip(api, b.tripId);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const cancellable = b.status === 'HELD' || b.status === 'PENDING_PAYMENT' || b.status === 'CONFIRMED';
  const href = `/bookings/${encodeURIComponent(b.bookingId)}${b.status === 'HELD' ? '/passengers' : b.status === 'PENDING_PAYMENT' ? '/pay' : ''}`;

  const cancel = async () => {
    if (busy) return;
    setBusy(true);
    try {
      await api.cancel(b.bookingId);
      onCancelled(null);
    } catch (err) {
      onCancelled(err);
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };

  return (
    <li className="card booking-row">
      <div className="booking-main">
        <span className={`badge badge-${b.status.toLowerCase()}`}>{t(`status_${b.status}`)}</span>
        {b.waitlistId && <span className="badge badge-wl-offered">{t('waitlistOfferBadge')}</span>}
        <strong>
          {stationName(stations, b.from)} → {stationName(stations, b.to)}
        </strong>
        {trip && (
          <span className="muted">
            {' '}
            · {trip.trainName} · {fmtDate(trip.date)}
          </span>
        )}
        {b.reference && <span className="mono"> · {b.reference}</span>}
        <p className="muted small">
          {b.seats.map((s) => `${t('coach', { code: s.coach })} · ${s.label}`).join(', ')} · {money(b.amount)}
        </p>
      </div>
      <div className="booking-actions">
        <Link className="button" to={href}>
          {b.status === 'HELD' || b.status === 'PENDING_PAYMENT' ? t('continue') : t('view')}
        </Link>
        {cancellable && !asking && (
          <button type="button" className="button danger-outline" onClick={() => setAsking(true)}>
            {t('cancel')}
          </button>
        )}
      </div>
      {asking && (
        <div className="confirm-box" role="alertdialog" aria-label={t('cancelAsk')}>
          <p>{t('cancelAsk')}</p>
          <button type="button" className="button danger" disabled={busy} aria-busy={busy} onClick={cancel}>
            {t('cancelConfirm')}
          </button>
          <button type="button" className="button" onClick={() => setAsking(false)}>
            {t('keep')}
          </button>
        </div>
      )}
    </li>
  );
}
