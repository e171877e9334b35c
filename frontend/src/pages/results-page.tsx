/**
 * Search results: each train's departure and arrival, and its classes with fare and seats left. The date's
 * sale says "on sale from …" (or sold out); while its waiting room is active the class links lead through
 * the room. A sold-out class offers its waitlist.
 */
import { useEffect, useState } from 'react';
import { rememberTripDate } from '../api/queue-pass.js';
import type { Sale, SearchTrip } from '../api/types.js';
import { Notice } from '../components/notice.js';
import { SaleNotice } from '../components/sale-notice.js';
import { WaitlistJoin } from '../components/waitlist-join.js';
import { useI18n } from '../i18n/i18n.js';
import { useApi, useSession } from '../lib/app-context.js';
import { describeError } from '../lib/errors.js';
import { Link, navigate, useLocation } from '../lib/router.js';
import { throughQueue, useSale } from '../lib/sale.js';
import { useAsync } from '../lib/use-async.js';

export function ResultsPage() {
  const api = useApi();
  const i18n = useI18n();
  const { t, num, date: fmtDate } = i18n;
  const { query, href } = useLocation();
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const date = query.get('date') ?? '';
  const { data, error, loading, reload } = useAsync((signal) => api.search({ from, to, date }, { signal }), [from, to, date]);
  const sale = useSale(api, date || undefined);
  useEffect(() => {
    for (const trip of data?.trips ?? []) rememberTripDate(trip.tripId, trip.date);
  }, [data]);

  return (
    <section>
      <p>
        <Link to={`/?from=${from}&to=${to}&date=${date}`}>← {t('back')}</Link>
      </p>
      <h1>{data ? t('resultsTitle', { from: data.from.name, to: data.to.name }) : t('searchTitle')}</h1>
      {data && <p className="muted">{t('resultsCount', { n: num(data.trips.length), date: fmtDate(data.date) })}</p>}
      <SaleNotice sale={sale} next={href} now={api.client.serverNow()} />
      {loading && !data && <p aria-busy="true">{t('loading')}</p>}
      {error !== null && (
        <Notice kind="error">
          {describeError(error, t)}{' '}
          <button type="button" className="link" onClick={reload}>
            {t('retry')}
          </button>
        </Notice>
      )}
      {data && data.trips.length === 0 && <Notice>{t('noTrains')}</Notice>}
      <ul className="trips">
        {data?.trips.map((trip) => (
          <TripCard
            key={trip.tripId}
            trip={trip}
            from={data.from.code}
            to={data.to.code}
            sale={sale?.date === trip.date ? sale : undefined}
            loginHref={`/login?next=${encodeURIComponent(href)}`}
          />
        ))}
      </ul>
    </section>
  );
}

function TripCard({
  trip,
  from,
  to,
  sale,
  loginHref,
}: {
  trip: SearchTrip;
  from: string;
  to: string;
  sale: Sale | undefined;
  loginHref: string;
}) {
  const { t, num, money, time, dayOffset } = useI18n();
  const session = useSession();
  const nextDay = dayOffset(trip.from.departure, trip.to.arrival);
  const [waitlistFor, setWaitlistFor] = useState<string | null>(null);
  const h = Math.floor(trip.durationMinutes / 60);
  const m = trip.durationMinutes % 60;
  return (
    <li className="card trip">
      <h2>
        {trip.trainName} <span className="muted">({trip.trainNumber})</span>
      </h2>
      <div className="times">
        <div>
          <span className="muted small">{t('departs')}</span>
          <strong className="time">{time(trip.from.departure)}</strong>
          <span>{trip.from.name}</span>
        </div>
        <div className="duration muted small" aria-label={t('duration', { h: num(h), m: num(m) })}>
          {t('duration', { h: num(h), m: num(m) })}
        </div>
        <div className="end">
          <span className="muted small">{t('arrives')}</span>
          <strong className="time">
            {time(trip.to.arrival)}
            {nextDay && <span className="day-offset">{nextDay}</span>}
          </strong>
          <span>{trip.to.name}</span>
        </div>
      </div>
      <ul className="classes">
        {trip.classes.map((c) => {
          const soldOut = c.seatsAvailable === 0;
          const seats =
            c.seatsAvailable === null ? t('seatsUnknown') : soldOut ? t('soldOut') : t('seatsLeft', { n: num(c.seatsAvailable) });
          const body = (
            <>
              <span className="class-name">{t(`class_${c.class}`)}</span>
              <span className="class-fare">{money(c.fare)}</span>
              <span className={`class-seats${soldOut ? ' sold-out' : ''}`}>{seats}</span>
            </>
          );
          return (
            <li key={c.class}>
              {soldOut ? (
                <>
                  <div className="class-row disabled">
                    {body}
                    {waitlistFor !== c.class && (
                      <button type="button" className="button small" onClick={() => setWaitlistFor(c.class)}>
                        {t('waitlistJoin')}
                      </button>
                    )}
                  </div>
                  {waitlistFor === c.class && (
                    <WaitlistJoin
                      tripId={trip.tripId}
                      from={from}
                      to={to}
                      seatClass={c.class}
                      beforeJoin={() => {
                        if (session) return true;
                        navigate(loginHref);
                        return false;
                      }}
                    />
                  )}
                </>
              ) : (
                <Link
                  className="class-row"
                  to={throughQueue(sale, `/trips/${trip.tripId}/seats?from=${from}&to=${to}&class=${c.class}`)}
                  aria-label={`${t('chooseSeats')}: ${trip.trainName}, ${t(`class_${c.class}`)}, ${money(c.fare)}, ${seats}`}
                >
                  {body}
                </Link>
              )}
            </li>
          );
        })}
      </ul>
    </li>
  );
}
