/**
 * Shared frame for the journey pages: loading and error states, and a booking that has moved on (expired,
 * cancelled, already paid) is sent to the right place instead of showing a form that can no longer work.
 */
import type { ReactNode } from 'react';
import type { Booking, BookingStatus } from '../api/types.js';
import { Notice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useRequireSession } from '../lib/app-context.js';
import { describeError } from '../lib/errors.js';
import { Link } from '../lib/router.js';
import type { AsyncState } from '../lib/use-async.js';
import { seatsHref } from './use-booking.js';

export function BookingGate({
  state,
  expect,
  id,
  children,
}: {
  state: AsyncState<Booking>;
  expect: BookingStatus[];
  id: string;
  children: ReactNode;
}) {
  const { t } = useI18n();
  const signedIn = useRequireSession();
  if (!signedIn) return null;
  const b = state.data;
  if (!b) {
    if (state.error !== null)
      return (
        <Notice kind="error">
          {describeError(state.error, t)}{' '}
          <button type="button" className="link" onClick={state.reload}>
            {t('retry')}
          </button>
        </Notice>
      );
    return <p aria-busy="true">{t('loading')}</p>;
  }
  if (expect.includes(b.status)) return <>{children}</>;
  if (b.status === 'EXPIRED')
    return (
      <section className="card">
        <Notice kind="warn">{t('holdExpired')}</Notice>
        <Link className="button primary" to={seatsHref(b)}>
          {t('chooseAgain')}
        </Link>
      </section>
    );
  const next = b.status === 'HELD' ? 'passengers' : b.status === 'PENDING_PAYMENT' ? 'pay' : '';
  return (
    <section className="card">
      <p>
        {t(`status_${b.status}`)}.{' '}
        <Link className="button" to={`/bookings/${encodeURIComponent(id)}${next ? `/${next}` : ''}`}>
          {t('continue')}
        </Link>
      </p>
    </section>
  );
}
