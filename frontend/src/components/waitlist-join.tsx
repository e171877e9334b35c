/**
 * "Join the waitlist" for a sold-out class on a segment: how many seats, then the place in line. If seats
 * free up the booking service holds them for the traveller as an ordinary booking, which My bookings shows.
 */
import { useRef, useState, type FormEvent } from 'react';
import { newIdempotencyKey } from '../api/client.js';
import { isApiError } from '../api/errors.js';
import type { JoinWaitlistResponse, SeatClass } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { useApi } from '../lib/app-context.js';
import { describeError } from '../lib/errors.js';
import { Link } from '../lib/router.js';
import { Notice } from './notice.js';
import { MAX_SEATS } from './seat-map.js';

/** The booking service's refusals of a join, by code: seats are free after all, or already waiting. */
export const WAITLIST_SEATS_FREE_CODES = new Set(['WAITLIST_SEATS_AVAILABLE']);
export const WAITLIST_DUPLICATE_CODES = new Set(['WAITLIST_DUPLICATE']);

export interface WaitlistJoinProps {
  tripId: number;
  from: string;
  to: string;
  seatClass: SeatClass;
  count?: number;
  /** Signed out: ask the page to send the traveller to log in first. */
  beforeJoin?: () => boolean;
}

export function WaitlistJoin({ tripId, from, to, seatClass, count: initialCount = 1, beforeJoin }: WaitlistJoinProps) {
  const api = useApi();
  const { t, num } = useI18n();
  const [count, setCount] = useState(initialCount);
  const [busy, setBusy] = useState(false);
  const [joined, setJoined] = useState<JoinWaitlistResponse | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = useRef<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    if (beforeJoin && !beforeJoin()) return;
    setBusy(true);
    setError(null);
    key.current ??= newIdempotencyKey();
    try {
      setJoined(await api.joinWaitlist({ tripId, from, to, class: seatClass, count }, { idempotencyKey: key.current }));
    } catch (err) {
      key.current = null;
      if (isApiError(err) && WAITLIST_SEATS_FREE_CODES.has(err.code)) setError(t('waitlistSeatsFree'));
      else if (isApiError(err) && WAITLIST_DUPLICATE_CODES.has(err.code)) setError(t('waitlistAlready'));
      else setError(describeError(err, t));
    } finally {
      setBusy(false);
    }
  };

  if (joined)
    return (
      <Notice kind="success">
        {t('waitlistJoined', { n: num(joined.position) })} <Link to="/bookings">{t('navBookings')}</Link>
      </Notice>
    );

  return (
    <form className="waitlist-join" onSubmit={submit}>
      {error && <Notice kind="error">{error}</Notice>}
      <label className="field">
        <span>{t('waitlistCount')}</span>
        <select name="waitlist-count" value={count} onChange={(e) => setCount(Number(e.target.value))}>
          {Array.from({ length: MAX_SEATS }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {num(n)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className="button primary" disabled={busy} aria-busy={busy}>
        {busy ? t('loading') : t('waitlistJoin')}
      </button>
    </form>
  );
}
