/**
 * The booking OTP: 6 digits from the SMS (in development, the echoed code is shown in a marked hint). A wrong
 * code says how many tries are left; when the hold is gone (too many wrong codes, or the booking moved on) the
 * page says so, offers to choose seats again and disables Verify.
 */
import { useCallback, useState, type FormEvent } from 'react';
import { isApiError } from '../api/errors.js';
import { HoldCountdown } from '../components/hold-countdown.js';
import { Notice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useApi } from '../lib/app-context.js';
import { describeError } from '../lib/errors.js';
import { journey } from '../lib/journey.js';
import { Link, navigate } from '../lib/router.js';
import { BookingGate } from './booking-gate.js';
import { seatsHref, useBooking } from './use-booking.js';

export function OtpPage({ id }: { id: string }) {
  const api = useApi();
  const { t } = useI18n();
  const booking = useBooking(api, id);
  const [otp, setOtp] = useState('');
  const [busy, setBusy] = useState(false);
  const [expired, setExpired] = useState(false);
  const [error, setError] = useState<{ text: string; released?: boolean; wrongCode?: boolean } | null>(null);
  const sent = journey.otp(id);
  const devOtp = sent?.devOtp;
  const now = useCallback(() => api.client.serverNow(), [api]);
  const b = booking.data;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || expired || otp.length !== 6) return;
    setBusy(true);
    setError(null);
    try {
      // A 429 here means too many wrong codes (the hold is released), not a crowd: no automatic retry.
      await api.verifyOtp(id, otp, { retryBusy: false });
      journey.saveOtp(id, null);
      navigate(`/bookings/${encodeURIComponent(id)}/pay`);
    } catch (err) {
      setBusy(false);
      // Verified already (another tab, or an answer lost on the way): go on to pay.
      if (isApiError(err) && err.bookingStatus === 'PENDING_PAYMENT') {
        navigate(`/bookings/${encodeURIComponent(id)}/pay`);
        return;
      }
      // Too many wrong codes (429) releases the hold; a 409 says the booking is no longer HELD (expired,
      // cancelled): either way this code can no longer be verified.
      const gone =
        isApiError(err) &&
        (err.code === 'OTP_ATTEMPTS_EXCEEDED' ||
          err.code === 'INVALID_TRANSITION' ||
          err.code === 'HOLD_EXPIRED' ||
          err.code === 'BOOKING_NOT_HELD');
      setError({ text: describeError(err, t), released: gone, wrongCode: isApiError(err) && err.code === 'OTP_INVALID' });
      if (gone) setExpired(true);
    }
  };

  return (
    <BookingGate state={booking} expect={['HELD']} id={id}>
      {b && (
        <section className="card narrow">
          <h1>{t('otpTitle')}</h1>
          {/* A released hold has no time left to count: the notice below says what happened. */}
          {b.expiresAt && !error?.released && (
            <HoldCountdown expiresAt={b.expiresAt} now={now} onExpire={() => setExpired(true)} chooseAgainHref={seatsHref(b)} />
          )}
          <p>{sent?.sentTo ? t('otpSentTo', { phone: sent.sentTo }) : t('otpSent')}</p>
          {devOtp && (
            <aside className="dev-hint" aria-label={t('devHint')}>
              <strong>{t('devHint')}:</strong> {t('devOtp', { code: devOtp })}
            </aside>
          )}
          {error && (
            <Notice kind="error">
              {error.text}{' '}
              {error.released && (
                <Link to={seatsHref(b)} className="link">
                  {t('chooseAgain')}
                </Link>
              )}
            </Notice>
          )}
          <form onSubmit={submit}>
            <label className="field">
              <span>{t('otpLabel')}</span>
              <input
                className="otp-input"
                name="otp"
                aria-invalid={error?.wrongCode ? true : undefined}
                inputMode="numeric"
                autoComplete="one-time-code"
                pattern="\d{6}"
                maxLength={6}
                required
                value={otp}
                onChange={(e) => setOtp(e.target.value.replace(/\D/g, '').slice(0, 6))}
              />
            </label>
            <button
              type="submit"
              className="button primary block"
              disabled={busy || expired || otp.length !== 6}
              aria-busy={busy}
            >
              {busy ? t('loading') : t('otpButton')}
            </button>
          </form>
        </section>
      )}
    </BookingGate>
  );
}
