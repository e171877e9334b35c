/**
 * Passenger details, one per held seat, under the hold's countdown; sends the booking OTP. The fields the
 * service refuses (`passengers.1.name`) are marked in the traveller's language.
 */
import { useCallback, useRef, useState, type FormEvent } from 'react';
import type { Passenger } from '../api/types.js';
import { FieldError, focusFirstInvalid, invalid, type FieldErrors } from '../components/field-error.js';
import { HoldCountdown } from '../components/hold-countdown.js';
import { Notice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useApi } from '../lib/app-context.js';
import { describeError, fieldMessages } from '../lib/errors.js';
import { journey } from '../lib/journey.js';
import { navigate } from '../lib/router.js';
import { BookingGate } from './booking-gate.js';
import { seatsHref, useBooking } from './use-booking.js';

export function PassengersPage({ id }: { id: string }) {
  const api = useApi();
  const { t, num } = useI18n();
  const booking = useBooking(api, id);
  const [passengers, setPassengers] = useState<Passenger[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [expired, setExpired] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const form = useRef<HTMLFormElement>(null);
  const now = useCallback(() => api.client.serverNow(), [api]);

  const b = booking.data;
  const list = passengers ?? b?.seats.map((_, i) => b.passengers?.[i] ?? { name: '' }) ?? [];
  const update = (i: number, patch: Partial<Passenger>) => setPassengers(list.map((p, j) => (j === i ? { ...p, ...patch } : p)));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || !b || expired) return;
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const clean = list.map((p) => ({
        name: p.name.trim(),
        ...(p.age ? { age: p.age } : {}),
        ...(p.gender ? { gender: p.gender } : {}),
      }));
      // The trip names the sale date whose queue pass the confirm carries while its room is active.
      const res = await api.confirm({ bookingId: b.bookingId, passengers: clean }, { tripId: b.tripId });
      journey.saveOtp(id, { sentTo: res.otpSentTo, ...(res.devOtp ? { devOtp: res.devOtp } : {}) });
      navigate(`/bookings/${encodeURIComponent(id)}/otp`);
    } catch (err) {
      setError(describeError(err, t));
      setFieldErrors(fieldMessages(err, t));
      focusFirstInvalid(form.current);
      setBusy(false);
    }
  };

  return (
    <BookingGate state={booking} expect={['HELD']} id={id}>
      {b && (
        <section className="card">
          <h1>{t('passengersTitle')}</h1>
          {b.expiresAt && (
            <HoldCountdown expiresAt={b.expiresAt} now={now} onExpire={() => setExpired(true)} chooseAgainHref={seatsHref(b)} />
          )}
          {error && <Notice kind="error">{error}</Notice>}
          <form ref={form} onSubmit={submit}>
            {b.seats.map((seat, i) => {
              const p = list[i] ?? { name: '' };
              const f = (field: keyof Passenger) => `passengers.${i}.${field}`;
              return (
                <fieldset key={seat.seatId} className="passenger">
                  <legend>
                    {t('passenger', { n: num(i + 1) })} · {t('coach', { code: seat.coach })}, {t('seat')} {seat.label}
                  </legend>
                  <label className="field">
                    <span>{t('name')}</span>
                    <input
                      name={`name-${i}`}
                      autoComplete={i === 0 ? 'name' : 'off'}
                      required
                      minLength={2}
                      maxLength={80}
                      value={p.name}
                      {...invalid(fieldErrors, f('name'))}
                      onChange={(e) => update(i, { name: e.target.value })}
                    />
                    <FieldError errors={fieldErrors} name={f('name')} />
                  </label>
                  <div className="row">
                    <label className="field">
                      <span>{t('age')}</span>
                      <input
                        name={`age-${i}`}
                        type="number"
                        inputMode="numeric"
                        min={0}
                        max={120}
                        value={p.age ?? ''}
                        {...invalid(fieldErrors, f('age'))}
                        onChange={(e) => update(i, { age: e.target.value === '' ? undefined : Number(e.target.value) })}
                      />
                      <FieldError errors={fieldErrors} name={f('age')} />
                    </label>
                    <label className="field">
                      <span>{t('gender')}</span>
                      <select
                        name={`gender-${i}`}
                        value={p.gender ?? ''}
                        {...invalid(fieldErrors, f('gender'))}
                        onChange={(e) => update(i, { gender: (e.target.value || undefined) as Passenger['gender'] })}
                      >
                        <option value="">{t('genderNone')}</option>
                        <option value="female">{t('female')}</option>
                        <option value="male">{t('male')}</option>
                        <option value="other">{t('other')}</option>
                      </select>
                      <FieldError errors={fieldErrors} name={f('gender')} />
                    </label>
                  </div>
                </fieldset>
              );
            })}
            <button type="submit" className="button primary block" disabled={busy || expired} aria-busy={busy}>
              {busy ? t('loading') : t('sendOtp')}
            </button>
          </form>
        </section>
      )}
    </BookingGate>
  );
}
