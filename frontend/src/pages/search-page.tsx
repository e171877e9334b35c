/** Search: two station pickers (by name, from the catalog) and a date inside the sales window. */
import { useState, type FormEvent } from 'react';
import type { Station } from '../api/types.js';
import { Notice } from '../components/notice.js';
import { useI18n } from '../i18n/i18n.js';
import { useApi } from '../lib/app-context.js';
import { dhakaDate, SALES_WINDOW_DAYS, useStations } from '../lib/catalog.js';
import { navigate, useLocation } from '../lib/router.js';

function resolveStation(stations: Station[], text: string): Station | undefined {
  const q = text.trim().toLowerCase();
  if (!q) return undefined;
  return stations.find((s) => s.name.toLowerCase() === q || s.code.toLowerCase() === q);
}

export function SearchPage() {
  const api = useApi();
  const { t, num, date: fmtDate } = useI18n();
  const stations = useStations(api);
  const { query } = useLocation();
  const nameOf = (code: string | null) => (code ? (stations.find((s) => s.code === code)?.name ?? code) : '');
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>(null);
  const [date, setDate] = useState(query.get('date') ?? dhakaDate(1));
  const [error, setError] = useState<string | null>(null);
  const min = dhakaDate(0);
  const max = dhakaDate(SALES_WINDOW_DAYS);
  // Until the traveller types, show the previous search (from the URL) once stations have loaded.
  const fromText = from ?? nameOf(query.get('from'));
  const toText = to ?? nameOf(query.get('to'));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const a = resolveStation(stations, fromText);
    const b = resolveStation(stations, toText);
    if (!a || !b) return setError(t('pickStation'));
    if (a.code === b.code) return setError(t('sameStations'));
    setError(null);
    navigate(`/results?from=${a.code}&to=${b.code}&date=${date}`);
  };

  const days = Array.from({ length: 4 }, (_, i) => dhakaDate(i));

  return (
    <section className="card search">
      <h1>{t('searchTitle')}</h1>
      {error && <Notice kind="error">{error}</Notice>}
      <form onSubmit={submit}>
        <datalist id="stations">
          {stations.map((s) => (
            <option key={s.code} value={s.name} />
          ))}
        </datalist>
        <div className="station-pair">
          <label className="field">
            <span>{t('from')}</span>
            <input
              name="from"
              list="stations"
              autoComplete="off"
              placeholder={t('stationPlaceholder')}
              required
              value={fromText}
              onChange={(e) => setFrom(e.target.value)}
            />
          </label>
          <button
            type="button"
            className="icon-button swap"
            aria-label={t('swap')}
            title={t('swap')}
            onClick={() => {
              setFrom(toText);
              setTo(fromText);
            }}
          >
            ⇅
          </button>
          <label className="field">
            <span>{t('to')}</span>
            <input
              name="to"
              list="stations"
              autoComplete="off"
              placeholder={t('stationPlaceholder')}
              required
              value={toText}
              onChange={(e) => setTo(e.target.value)}
            />
          </label>
        </div>
        <label className="field">
          <span>{t('date')}</span>
          <input
            type="date"
            name="date"
            required
            min={min}
            max={max}
            value={date}
            onChange={(e) => setDate(e.target.value)}
            aria-describedby="date-hint"
          />
          <small id="date-hint" className="muted">
            {t('dateHint', { days: num(SALES_WINDOW_DAYS) })}
          </small>
        </label>
        <div className="chips" role="group" aria-label={t('quickDates')}>
          {days.map((d) => (
            <button key={d} type="button" className="chip" aria-pressed={d === date} onClick={() => setDate(d)}>
              {fmtDate(d)}
            </button>
          ))}
        </div>
        <button type="submit" className="button primary block">
          {t('searchButton')}
        </button>
      </form>
    </section>
  );
}
