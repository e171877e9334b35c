/**
 * Payment with the mock provider: card, bKash or Nagad, with the test numbers on the page. Each attempt
 * has its own Idempotency-Key (reused if the same attempt is retried), so a double tap never charges twice;
 * a failed payment starts a fresh one on the next attempt, as the provider treats FAILED as final.
 */
import { useCallback, useRef, useState, type FormEvent } from 'react';
import { newIdempotencyKey } from '../api/client.js';
import { isApiError } from '../api/errors.js';
import type { PaymentMethod, VerifyPaymentRequest } from '../api/types.js';
import { HoldCountdown } from '../components/hold-countdown.js';
import { Notice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useApi } from '../lib/app-context.js';
import { describeError } from '../lib/errors.js';
import { navigate } from '../lib/router.js';
import { BookingGate } from './booking-gate.js';
import { seatsHref, useBooking } from './use-booking.js';

export const TEST_CARDS = [
  { number: '4242 4242 4242 4242', outcome: 'testSuccess' },
  { number: '4000 0000 0000 0002', outcome: 'testDeclined' },
  { number: '4000 0000 0000 9995', outcome: 'testProviderError' },
] as const;

const groupCard = (v: string) =>
  v
    .replace(/\D/g, '')
    .slice(0, 19)
    .replace(/(\d{4})(?=\d)/g, '$1 ');

export function PaymentPage({ id }: { id: string }) {
  const api = useApi();
  const { t, money } = useI18n();
  const booking = useBooking(api, id);
  const [method, setMethod] = useState<PaymentMethod>('card');
  const [card, setCard] = useState({ number: '', expiry: '', cvc: '' });
  const [wallet, setWallet] = useState('');
  const [busy, setBusy] = useState(false);
  const [expired, setExpired] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const payment = useRef<string | null>(null);
  const attemptKey = useRef<{ fingerprint: string; key: string } | null>(null);
  const now = useCallback(() => api.client.serverNow(), [api]);
  const b = booking.data;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || expired || !b) return;
    setBusy(true);
    setError(null);
    const body: Omit<VerifyPaymentRequest, 'paymentId'> =
      method === 'card'
        ? { method, cardNumber: card.number.replace(/\s/g, ''), expiry: card.expiry, cvc: card.cvc }
        : { method, walletNumber: wallet.replace(/\D/g, '') };
    const fingerprint = JSON.stringify(body);
    if (attemptKey.current?.fingerprint !== fingerprint) attemptKey.current = { fingerprint, key: newIdempotencyKey() };
    try {
      payment.current ??= (
        await api.initiatePayment(b.bookingId, { idempotencyKey: `${attemptKey.current.key}-init` })
      ).paymentId;
      const res = await api.verifyPayment({ paymentId: payment.current, ...body }, { idempotencyKey: attemptKey.current.key });
      if (res.status === 'SUCCEEDED') {
        navigate(`/bookings/${encodeURIComponent(id)}?paid=1`);
        return;
      }
      payment.current = null;
      attemptKey.current = null;
      const reason = (res.reason ?? '').toLowerCase();
      setError(
        reason.includes('declin')
          ? t('payDeclined')
          : reason.includes('provider')
            ? t('payProviderError')
            : t('payFailed', { reason: res.reason ?? '' }),
      );
    } catch (err) {
      if (isApiError(err) && (err.status === 402 || err.code.includes('DECLIN'))) {
        payment.current = null;
        attemptKey.current = null;
        setError(t('payDeclined'));
      } else if (isApiError(err) && (err.status === 502 || err.code.includes('PROVIDER'))) {
        payment.current = null;
        attemptKey.current = null;
        setError(t('payProviderError'));
      } else {
        if (isApiError(err) && err.status === 409) payment.current = null;
        setError(describeError(err, t));
      }
    } finally {
      setBusy(false);
    }
  };

  const methods: PaymentMethod[] = ['card', 'bkash', 'nagad'];
  return (
    <BookingGate state={booking} expect={['PENDING_PAYMENT']} id={id}>
      {b && (
        <section className="card">
          <h1>{t('payTitle')}</h1>
          {b.expiresAt && (
            <HoldCountdown expiresAt={b.expiresAt} now={now} onExpire={() => setExpired(true)} chooseAgainHref={seatsHref(b)} />
          )}
          <p className="total">
            {t('total')}: <strong>{money(b.amount)}</strong>
          </p>
          {error && <Notice kind="error">{error}</Notice>}
          <form onSubmit={submit}>
            <fieldset className="methods">
              <legend>{t('method')}</legend>
              {methods.map((m) => (
                <label key={m} className={`method${method === m ? ' on' : ''}`}>
                  <input type="radio" name="method" value={m} checked={method === m} onChange={() => setMethod(m)} />
                  {t(m)}
                </label>
              ))}
            </fieldset>
            {method === 'card' ? (
              <>
                <label className="field">
                  <span>{t('cardNumber')}</span>
                  <input
                    name="cardNumber"
                    inputMode="numeric"
                    autoComplete="cc-number"
                    required
                    value={card.number}
                    onChange={(e) => setCard({ ...card, number: groupCard(e.target.value) })}
                  />
                </label>
                <div className="row">
                  <label className="field">
                    <span>{t('expiry')}</span>
                    <input
                      name="expiry"
                      inputMode="numeric"
                      autoComplete="cc-exp"
                      placeholder="12/30"
                      required
                      pattern="\d{2}/\d{2}"
                      value={card.expiry}
                      onChange={(e) => {
                        const d = e.target.value.replace(/\D/g, '').slice(0, 4);
                        setCard({ ...card, expiry: d.length > 2 ? `${d.slice(0, 2)}/${d.slice(2)}` : d });
                      }}
                    />
                  </label>
                  <label className="field">
                    <span>{t('cvc')}</span>
                    <input
                      name="cvc"
                      inputMode="numeric"
                      autoComplete="cc-csc"
                      required
                      pattern="\d{3,4}"
                      maxLength={4}
                      value={card.cvc}
                      onChange={(e) => setCard({ ...card, cvc: e.target.value.replace(/\D/g, '') })}
                    />
                  </label>
                </div>
              </>
            ) : (
              <label className="field">
                <span>
                  {t(method)} · {t('walletNumber')}
                </span>
                <input
                  name="walletNumber"
                  inputMode="tel"
                  autoComplete="tel"
                  required
                  placeholder="01712345678"
                  value={wallet}
                  onChange={(e) => setWallet(e.target.value)}
                />
              </label>
            )}
            <button type="submit" className="button primary block" disabled={busy || expired} aria-busy={busy}>
              {busy ? t('loading') : t('payButton', { amount: money(b.amount) })}
            </button>
          </form>
          <aside className="test-numbers" aria-labelledby="test-numbers-title">
            <h2 id="test-numbers-title">{t('testNumbers')}</h2>
            <ul>
              {TEST_CARDS.map((c) => (
                <li key={c.number}>
                  <button
                    type="button"
                    className="link mono"
                    onClick={() => {
                      setMethod('card');
                      setCard({ number: c.number, expiry: card.expiry || '12/30', cvc: card.cvc || '123' });
                    }}
                  >
                    {c.number}
                  </button>{' '}
                  {t(c.outcome)}
                </li>
              ))}
            </ul>
            <p className="muted small">{t('testWallet')}</p>
          </aside>
        </section>
      )}
    </BookingGate>
  );
}
