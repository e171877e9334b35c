/**
 * The seat hold's countdown, from the server's expiresAt (corrected for the phone's clock). It says up
 * front what happens at zero, and at zero it says the seats were released and offers to choose again.
 */
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { Link } from '../lib/router.js';

export interface HoldCountdownProps {
  expiresAt: string;
  /** Current time in epoch ms, as the server sees it. */
  now?: () => number;
  onExpire?: () => void;
  chooseAgainHref?: string;
}

export function formatClock(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

export function HoldCountdown({ expiresAt, now = Date.now, onExpire, chooseAgainHref }: HoldCountdownProps) {
  const { t, lang } = useI18n();
  const deadline = Date.parse(expiresAt);
  const [left, setLeft] = useState(() => deadline - now());

  useEffect(() => {
    const tick = () => setLeft(deadline - now());
    tick();
    const timer = setInterval(tick, 250);
    return () => clearInterval(timer);
  }, [deadline, now]);

  const expired = left <= 0;
  useEffect(() => {
    if (expired) onExpire?.();
  }, [expired, onExpire]);

  if (expired) {
    return (
      <div className="hold hold-expired" role="alert">
        <p>{t('holdExpired')}</p>
        {chooseAgainHref && (
          <Link to={chooseAgainHref} className="button">
            {t('chooseAgain')}
          </Link>
        )}
      </div>
    );
  }

  const clock = formatClock(left);
  const shown = lang === 'bn' ? clock.replace(/\d/g, (d) => '০১২৩৪৫৬৭৮৯'[Number(d)] ?? d) : clock;
  return (
    <div className={`hold${left < 60_000 ? ' hold-urgent' : ''}`}>
      <p className="hold-time">
        <span role="timer" aria-atomic="true">
          {t('holdCountdown', { time: shown })}
        </span>
      </p>
      <p className="hold-note">{t('holdWarning')}</p>
    </div>
  );
}
