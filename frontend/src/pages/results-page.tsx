/** Search results: each train's departure and arrival, and its classes with fare and seats left. */
import type { SearchTrip } from '../api/types.js';
import { Notice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useApi } from '../lib/app-context.js';
import { describeError } from '../lib/errors.js';
import { Link, useLocation } from '../lib/router.js';
import { useAsync } from '../lib/use-async.js';

export function ResultsPage() {
  const api = useApi();
  const i18n = useI18n();
  const { t, num, date: fmtDate } = i18n;
  const { query } = useLocation();
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const date = query.get('date') ?? '';
  const { data, error, loading, reload } = useAsync((signal) => api.search({ from, to, date }, { signal }), [from, to, date]);

  return (
    <section>
      <p>
        <Link to={`/?from=${from}&to=${to}&date=${date}`}>← {t('back')}</Link>
      </p>
      <h1>{data ? t('resultsTitle', { from: data.from.name, to: data.to.name }) : t('searchTitle')}</h1>
      {data && <p className="muted">{t('resultsCount', { n: num(data.trips.length), date: fmtDate(data.date) })}</p>}
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
          <TripCard key={trip.tripId} trip={trip} from={data.from.code} to={data.to.code} />
        ))}
      </ul>
    </section>
  );
}

function TripCard({ trip, from, to }: { trip: SearchTrip; from: string; to: string }) {
  const { t, num, money, time } = useI18n();
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
          <strong className="time">{time(trip.to.arrival)}</strong>
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
                <div className="class-row disabled">{body}</div>
              ) : (
                <Link
                  className="class-row"
                  to={`/trips/${trip.tripId}/seats?from=${from}&to=${to}&class=${c.class}`}
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
