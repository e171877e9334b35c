/**
 * Payment with the mock provider: card, bKash or Nagad, with the test numbers on the page. Each attempt
 * carries an Idempotency-Key and the button is disabled while it runs, so a double tap never pays twice;
 * after a decline or a provider error the traveller simply tries again on the same payment. A refused card
 * number, expiry, CVC, wallet number or PIN is marked on its field; a failed attempt is worded from the
 * provider's reason code.
 */
import { useCallback, useRef, useState, type FormEvent } from 'react';
import { newIdempotencyKey } from '../api/client.js';
import { isApiError } from '../api/errors.js';
import type { PaymentMethod, VerifyPaymentRequest } from '../api/types.js';
import { FieldError, focusFirstInvalid, invalid, type FieldErrors } from '../components/field-error.js';
import { HoldCountdown } from '../components/hold-countdown.js';
import { Notice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useApi } from '../lib/app-context.js';
import { describeError, fieldMessages } from '../lib/errors.js';
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
  const [wallet, setWallet] = useState({ number: '', pin: '' });
  const [busy, setBusy] = useState(false);
  const [expired, setExpired] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const form = useRef<HTMLFormElement>(null);
  const payment = useRef<string | null>(null);
  const now = useCallback(() => api.client.serverNow(), [api]);
  const b = booking.data;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || expired || !b) return;
    setBusy(true);
    setError(null);
    setFieldErrors({});
    const body: Omit<VerifyPaymentRequest, 'paymentId'> =
      method === 'card'
        ? { method, cardNumber: card.number.replace(/\s/g, ''), expiry: card.expiry, cvc: card.cvc }
        : { method, walletNumber: wallet.number.replace(/[^\d+]/g, ''), pin: wallet.pin };
    // One key per tap: the client reuses it for its own automatic retries, so a lost answer or a 429
    // never pays twice; a new tap after a failure is a new attempt (the service refuses a key reused
    // with another body).
    const key = newIdempotencyKey();
    try {
      // Initiate is idempotent per booking: it returns the open payment, which accepts a new attempt after FAILED.
      payment.current ??= (await api.initiatePayment(b.bookingId, { idempotencyKey: `${key}-init` })).paymentId;
      const res = await api.verifyPayment({ paymentId: payment.current, ...body }, { idempotencyKey: key });
      if (res.status === 'SUCCEEDED') {
        navigate(`/bookings/${encodeURIComponent(id)}?paid=1`);
        return;
      }
      setError(failureText(res.reason));
    } catch (err) {
      if (isApiError(err) && err.code === 'BOOKING_ALREADY_PAID') {
        navigate(`/bookings/${encodeURIComponent(id)}?paid=1`);
        return;
      }
      setError(describeError(err, t));
      setFieldErrors(fieldMessages(err, t));
      focusFirstInvalid(form.current);
    } finally {
      setBusy(false);
    }
  };

  // The provider's reason codes (the mock provider's, as a real one's would be mapped); never shown as they are.
  const failureText = (reason: string | undefined) => {
    if (reason === 'card_declined') return t('payDeclined');
    if (reason === 'insufficient_balance') return t('payInsufficient');
    if (reason === 'provider_error' || reason === 'provider_timeout') return t('payProviderError');
    return t('payFailed');
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
          <form ref={form} onSubmit={submit}>
            <fieldset className="methods">
              <legend>{t('method')}</legend>
              {methods.map((m) => (
                <label key={m} className={`method${method === m ? ' on' : ''}`}>
                  <input
                    type="radio"
                    name="method"
                    value={m}
                    checked={method === m}
                    onChange={() => {
                      setMethod(m);
                      setFieldErrors({});
                    }}
                  />
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
                    {...invalid(fieldErrors, 'cardNumber')}
                    inputMode="numeric"
                    autoComplete="cc-number"
                    required
                    value={card.number}
                    onChange={(e) => setCard({ ...card, number: groupCard(e.target.value) })}
                  />
                  <FieldError errors={fieldErrors} name="cardNumber" />
                </label>
                <div className="row">
                  <label className="field">
                    <span>{t('expiry')}</span>
                    <input
                      name="expiry"
                      {...invalid(fieldErrors, 'expiry')}
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
                    <FieldError errors={fieldErrors} name="expiry" />
                  </label>
                  <label className="field">
                    <span>{t('cvc')}</span>
                    <input
                      name="cvc"
                      {...invalid(fieldErrors, 'cvc')}
                      inputMode="numeric"
                      autoComplete="cc-csc"
                      required
                      pattern="\d{3,4}"
                      maxLength={4}
                      value={card.cvc}
                      onChange={(e) => setCard({ ...card, cvc: e.target.value.replace(/\D/g, '') })}
                    />
                    <FieldError errors={fieldErrors} name="cvc" />
                  </label>
                </div>
              </>
            ) : (
              <div className="row">
                <label className="field">
                  <span>
                    {t(method)} · {t('walletNumber')}
                  </span>
                  <input
                    name="walletNumber"
                    {...invalid(fieldErrors, 'walletNumber')}
                    inputMode="tel"
                    autoComplete="tel"
                    required
                    placeholder="01712345678"
                    value={wallet.number}
                    onChange={(e) => setWallet({ ...wallet, number: e.target.value })}
                  />
                  <FieldError errors={fieldErrors} name="walletNumber" />
                </label>
                <label className="field pin">
                  <span>{t('walletPin')}</span>
                  <input
                    name="pin"
                    {...invalid(fieldErrors, 'pin')}
                    type="password"
                    inputMode="numeric"
                    autoComplete="off"
                    required
                    pattern="\d{4,5}"
                    maxLength={5}
                    value={wallet.pin}
                    onChange={(e) => setWallet({ ...wallet, pin: e.target.value.replace(/\D/g, '') })}
                  />
                  <FieldError errors={fieldErrors} name="pin" />
                </label>
              </div>
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
            <p className="muted small">{t('testWallet', { declined: '01700000002', error: '01700009995' })}</p>
          </aside>
        </section>
      )}
    </BookingGate>
  );
}
