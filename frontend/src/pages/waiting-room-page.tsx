/**
 * The waiting room of one sale date. Before the room opens it says when it will and waits; once it is active
 * it joins (or finds the place this traveller already has) and checks in at the interval the server sets,
 * showing the place in line, a progress bar, the estimated wait and the seats left. Before the opening every
 * place is drawn at random at the opening, so it says there is no need to rush. When admitted it keeps the
 * pass for the date (sessionStorage) and moves on by itself to where the traveller was going (`next`).
 */
import { useEffect, useRef, useState } from 'react';
import { isApiError } from '../api/errors.js';
import { savePass } from '../api/queue-pass.js';
import type { Place, Sale } from '../api/types.js';
import { formatClock } from '../components/hold-countdown.js';
import { Notice } from '../components/notice.js';
import { useI18n, type I18n } from '../i18n/i18n.js';
import { useApi, useRequireSession } from '../lib/app-context.js';
import { describeError } from '../lib/errors.js';
import { navigate, useLocation } from '../lib/router.js';

/** How long "It is your turn" shows before moving on. */
export const ADMITTED_PAUSE_MS = 600;
/** Longest pause between looks at a sale whose room has not opened yet. */
const SCHEDULED_MAX_WAIT_S = 30;
const ERROR_RETRY_S = 5;

/** Only a path of this app (never another site) is a place to return to. */
export function safeNext(next: string | null): string | null {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : null;
}

/** "about 3 min", "less than a minute", "about 1 h 20 min", in the traveller's language. */
export function formatWait(seconds: number | null, { t, num }: Pick<I18n, 't' | 'num'>): string {
  if (seconds === null) return t('etaUnknown');
  if (seconds < 60) return t('etaUnderMinute');
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return t('etaMinutes', { n: num(minutes) });
  return t('etaHours', { h: num(Math.floor(minutes / 60)), m: num(minutes % 60) });
}

const startKey = (date: string) => `rail.queueStart.${date}`;
function firstPosition(date: string, position: number | null): number | null {
  try {
    const saved = Number(sessionStorage.getItem(startKey(date)));
    if (saved > 0 && (position === null || saved >= position)) return saved;
    if (position !== null && position > 0) sessionStorage.setItem(startKey(date), String(position));
  } catch {
    // no storage: progress counts from this page's first answer
  }
  return position !== null && position > 0 ? position : null;
}

export function WaitingRoomPage({ date }: { date: string }) {
  const api = useApi();
  const signedIn = useRequireSession();
  const i18n = useI18n();
  const { t, num, dateTime, date: fmtDate } = i18n;
  const { query } = useLocation();
  const next = safeNext(query.get('next')) ?? `/?date=${encodeURIComponent(date)}`;
  const [sale, setSale] = useState<Sale>();
  const [place, setPlace] = useState<Place>();
  const [start, setStart] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [lostPlace, setLostPlace] = useState(false);
  const [admitted, setAdmitted] = useState(false);
  const [now, setNow] = useState(() => api.client.serverNow());
  const nextRef = useRef(next);
  nextRef.current = next;

  useEffect(() => {
    if (!signedIn) return;
    let stop = false;
    let joined = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ctrl = new AbortController();
    const o = { signal: ctrl.signal };
    const later = (seconds: number) => {
      if (!stop) timer = setTimeout(() => void step(), seconds * 1000);
    };

    const admit = (p: Place | null) => {
      if (p?.pass) savePass(date, { pass: p.pass, ...(p.passExpiresAt ? { expiresAt: p.passExpiresAt } : {}) });
      setAdmitted(true);
      timer = setTimeout(() => navigate(nextRef.current, { replace: true }), ADMITTED_PAUSE_MS);
    };

    /** My place: the check-in; joins when there is none (first visit, or a place given up for missed check-ins). */
    const checkIn = async (): Promise<Place> => {
      try {
        return await api.queuePlace(date, o);
      } catch (err) {
        if (!isApiError(err) || err.code !== 'NOT_IN_QUEUE') throw err;
        if (joined) setLostPlace(true);
        return api.joinQueue(date, o);
      }
    };

    const step = async () => {
      try {
        if (!joined) {
          const s = await api.sale(date, o);
          if (stop) return;
          setSale(s);
          if (s.status === 'sold-out') return;
          if (!s.roomActive) {
            if (s.status === 'selling') return admit(null); // no room in front of this sale: go straight on
            const untilRoom = (Date.parse(s.roomOpensAt) - api.client.serverNow()) / 1000;
            return later(Math.min(Math.max(untilRoom, 1), SCHEDULED_MAX_WAIT_S));
          }
        }
        const p = await checkIn();
        if (stop) return;
        joined = true;
        setPlace(p);
        setStart(firstPosition(date, p.position));
        setError(null);
        if (p.status === 'admitted') return admit(p);
        if (p.status === 'sold-out') return;
        later(p.pollAfterSeconds);
      } catch (err) {
        if (stop || ctrl.signal.aborted) return;
        setError(err);
        later(ERROR_RETRY_S);
      }
    };
    void step();
    return () => {
      stop = true;
      ctrl.abort();
      clearTimeout(timer);
    };
  }, [api, date, signedIn]);

  const opensAt = place?.opensAt ?? sale?.opensAt;
  const counting = (place?.preQueue ?? false) || (!place && sale?.status === 'scheduled');
  useEffect(() => {
    if (!counting) return;
    const timer = setInterval(() => setNow(api.client.serverNow()), 1000);
    return () => clearInterval(timer);
  }, [api, counting]);

  if (!signedIn) return null;

  const soldOut = place?.status === 'sold-out' || (!place && sale?.status === 'sold-out');
  const seatsLeft = place?.seatsLeft ?? sale?.seatsLeft ?? null;
  const waiting = place?.status === 'waiting' && !admitted;
  const position = place?.position ?? null;
  const progress =
    admitted || place?.status === 'admitted'
      ? 100
      : position !== null && start !== null && start > 0
        ? Math.round((100 * (start - position)) / start)
        : null;
  const untilOpening = opensAt ? Date.parse(opensAt) - now : 0;

  return (
    <section className="card waiting-room" aria-labelledby="queue-title">
      <h1 id="queue-title">{t('queueTitle')}</h1>
      <p className="muted">{t('queueFor', { date: fmtDate(date) })}</p>

      {error !== null && <Notice kind="error">{describeError(error, t)}</Notice>}
      {lostPlace && waiting && <Notice kind="warn">{t('queueLostPlace')}</Notice>}
      {!sale && !place && error === null && <p aria-busy="true">{t('loading')}</p>}

      {soldOut && (
        <Notice kind="warn">
          {t('queueSoldOut', { date: fmtDate(date) })}{' '}
          <a href="/" className="link">
            {t('navSearch')}
          </a>
        </Notice>
      )}

      {!place && sale?.status === 'scheduled' && !sale.roomActive && (
        <>
          <p>{t('onSaleFrom', { time: dateTime(sale.opensAt) })}</p>
          <Notice>{t('queueRoomOpensAt', { time: dateTime(sale.roomOpensAt) })}</Notice>
          <p className="queue-keep-open">
            <strong>{t('queueKeepOpen')}</strong>
          </p>
        </>
      )}

      {(admitted || place?.status === 'admitted') && (
        <Notice kind="success">
          {t('queueAdmitted')}{' '}
          <button type="button" className="link" onClick={() => navigate(next, { replace: true })}>
            {t('queueContinue')}
          </button>
        </Notice>
      )}

      {place && (waiting || admitted) && (
        <div className="queue-place" aria-live="polite">
          {place.preQueue && opensAt ? (
            <>
              <p className="queue-prequeue">{t('queuePreQueue', { time: dateTime(opensAt) })}</p>
              {untilOpening > 0 && (
                <p className="queue-opens-in" role="timer" aria-atomic="true">
                  {t('queueOpensIn', { time: formatClock(untilOpening) })}
                </p>
              )}
            </>
          ) : (
            position !== null &&
            position > 0 && (
              <>
                <p className="queue-position" data-testid="queue-position">
                  {t('queuePosition', { n: num(position) })}
                </p>
                {place.ahead !== null && (
                  <p className="muted">{place.ahead > 0 ? t('queueAhead', { n: num(place.ahead) }) : t('queueAheadNone')}</p>
                )}
              </>
            )
          )}
          <div
            className="queue-progress"
            role="progressbar"
            aria-label={t('queueProgress')}
            aria-valuemin={0}
            aria-valuemax={100}
            {...(progress === null ? {} : { 'aria-valuenow': progress })}
          >
            <span className={progress === null ? 'indeterminate' : undefined} style={{ width: `${progress ?? 100}%` }} />
          </div>
          {!place.preQueue && (
            <p className="queue-eta">{t('queueEta', { time: formatWait(place.estimatedWaitSeconds, i18n) })}</p>
          )}
        </div>
      )}

      {seatsLeft !== null && !soldOut && <p className="queue-seats-left">{t('queueSeatsLeft', { n: num(seatsLeft) })}</p>}
      {waiting && (
        <Notice kind="info">
          <strong>{t('queueKeepOpen')}</strong>
        </Notice>
      )}
    </section>
  );
}
