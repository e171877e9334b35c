/**
 * "Pick seats for me", next to the seat map: class, how many, side by side, window or aisle, and optionally
 * only the coach on screen. The hold step chooses the seats itself (all or nothing); the page then shows them
 * on the map. When fewer are free (409 NOT_ENOUGH_SEATS) it offers to take that many; when none are, the
 * class is sold out and the waitlist is offered instead.
 */
import { useRef, useState, type FormEvent } from 'react';
import { newIdempotencyKey } from '../api/client.js';
import { isApiError } from '../api/errors.js';
import type { AllocateSeatsRequest, HoldResponse, SeatClass, SeatPreference } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { useApi } from '../lib/app-context.js';
import { describeError } from '../lib/errors.js';
import { Notice } from './notice.js';
import { MAX_SEATS } from './seat-map.js';
import { WaitlistJoin } from './waitlist-join.js';

export interface ClassOption {
  class: SeatClass;
  /** Free seats of the class on the map now (the select is the authority). */
  free: number;
}

export interface PickForMeProps {
  tripId: number;
  from: string;
  to: string;
  classes: ClassOption[];
  initialClass?: string | null;
  /** The coach on screen, offered as "only in coach …" when it is of the chosen class. */
  coach?: { code: string; class: SeatClass };
  /** Signed out: ask the page to send the traveller to log in first. */
  beforeHold?: () => boolean;
  onHeld: (hold: HoldResponse) => void;
}

type Problem = { kind: 'fewer'; seatsLeft: number } | { kind: 'apart' } | { kind: 'sold-out' } | { kind: 'error'; text: string };

export function PickForMe({ tripId, from, to, classes, initialClass, coach, beforeHold, onHeld }: PickForMeProps) {
  const api = useApi();
  const { t, num } = useI18n();
  const first = classes.find((c) => c.class === initialClass) ?? classes.find((c) => c.free > 0) ?? classes[0];
  const [seatClass, setSeatClass] = useState<SeatClass | undefined>(first?.class);
  const [count, setCount] = useState(1);
  const [together, setTogether] = useState(true);
  const [preference, setPreference] = useState<SeatPreference | ''>('');
  const [onlyCoach, setOnlyCoach] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const key = useRef<{ body: string; key: string } | null>(null);

  const chosen = classes.find((c) => c.class === seatClass);
  const coachOffer = coach && coach.class === seatClass ? coach.code : undefined;
  const soldOut = (chosen !== undefined && chosen.free === 0) || problem?.kind === 'sold-out';

  const pick = async (n: number) => {
    if (busy || !seatClass) return;
    if (beforeHold && !beforeHold()) return;
    const body: AllocateSeatsRequest = {
      tripId,
      from,
      to,
      class: seatClass,
      count: n,
      ...(n > 1 ? { together } : {}),
      ...(preference ? { preference } : {}),
      ...(onlyCoach && coachOffer ? { coach: coachOffer } : {}),
    };
    // The same request retried (a lost answer) keeps its key; a changed one is a new request.
    const text = JSON.stringify(body);
    if (key.current?.body !== text) key.current = { body: text, key: newIdempotencyKey() };
    setBusy(true);
    setProblem(null);
    try {
      const hold = await api.allocateSeats(body, { idempotencyKey: key.current.key });
      key.current = null;
      onHeld(hold);
    } catch (err) {
      if (isApiError(err) && err.code === 'NOT_ENOUGH_SEATS') {
        const left = err.seatsLeft ?? 0;
        setProblem(left === 0 ? { kind: 'sold-out' } : left >= n ? { kind: 'apart' } : { kind: 'fewer', seatsLeft: left });
      } else setProblem({ kind: 'error', text: describeError(err, t) });
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void pick(count);
  };

  return (
    <section className="card pick-for-me" aria-labelledby="pick-title">
      <h2 id="pick-title">{t('pickTitle')}</h2>
      <form onSubmit={submit}>
        <div className="row">
          <label className="field">
            <span>{t('pickClass')}</span>
            <select
              name="class"
              value={seatClass ?? ''}
              onChange={(e) => {
                setSeatClass(e.target.value as SeatClass);
                setProblem(null);
              }}
            >
              {classes.map((c) => (
                <option key={c.class} value={c.class}>
                  {t(`class_${c.class}`)} · {c.free === 0 ? t('soldOut') : t('availableCount', { n: num(c.free) })}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('pickCount')}</span>
            <select
              name="count"
              value={count}
              onChange={(e) => {
                setCount(Number(e.target.value));
                setProblem(null);
              }}
            >
              {Array.from({ length: MAX_SEATS }, (_, i) => i + 1).map((n) => (
                <option key={n} value={n}>
                  {num(n)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label className="check">
          <input
            type="checkbox"
            name="together"
            checked={together && count > 1}
            disabled={count < 2}
            onChange={(e) => setTogether(e.target.checked)}
          />
          {t('pickTogether')}
        </label>
        <fieldset className="preference">
          <legend>{t('pickPreference')}</legend>
          {(['', 'window', 'aisle'] as const).map((p) => (
            <label key={p || 'none'} className="check">
              <input type="radio" name="preference" value={p} checked={preference === p} onChange={() => setPreference(p)} />
              {p === '' ? t('prefNone') : t(p)}
            </label>
          ))}
        </fieldset>
        {coachOffer && (
          <label className="check">
            <input type="checkbox" name="coach" checked={onlyCoach} onChange={(e) => setOnlyCoach(e.target.checked)} />
            {t('pickThisCoach', { code: coachOffer })}
          </label>
        )}

        {problem?.kind === 'fewer' && (
          <Notice kind="warn">
            {t('notEnoughSeats', { n: num(problem.seatsLeft) })}{' '}
            <button type="button" className="button" disabled={busy} onClick={() => void pick(problem.seatsLeft)}>
              {problem.seatsLeft === 1 ? t('takeSeatOne') : t('takeSeats', { n: num(problem.seatsLeft) })}
            </button>
          </Notice>
        )}
        {problem?.kind === 'apart' && <Notice kind="warn">{t('notEnoughTogether', { count: num(count) })}</Notice>}
        {problem?.kind === 'error' && <Notice kind="error">{problem.text}</Notice>}

        {!soldOut && (
          <button type="submit" className="button primary block" disabled={busy || !seatClass} aria-busy={busy}>
            {busy ? t('loading') : t('pickButton')}
          </button>
        )}
      </form>
      {soldOut && seatClass && (
        <>
          <Notice kind="warn">{t('classSoldOut', { class: t(`class_${seatClass}`) })}</Notice>
          <WaitlistJoin tripId={tripId} from={from} to={to} seatClass={seatClass} count={count} beforeJoin={beforeHold} />
        </>
      )}
    </section>
  );
}
