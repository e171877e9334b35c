/** My bookings, newest first, with a two-step cancel. */
import { useState } from 'react';
import type { Booking } from '../api/types.js';
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

  if (!signedIn) return null;
  return (
    <section>
      <h1>{t('bookingsTitle')}</h1>
      {message && <Notice kind={message.kind}>{message.text}</Notice>}
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
