/** "Updated 4 s ago": how current the seat map is, counting on while the page is open. */
import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/i18n.js';
import { freshness } from '../lib/freshness.js';

export function FreshnessLabel({ asOf, now = Date.now }: { asOf: number; now?: () => number }) {
  const { t, num } = useI18n();
  const [at, setAt] = useState(now);
  useEffect(() => {
    setAt(now());
    const timer = setInterval(() => setAt(now()), 1000);
    return () => clearInterval(timer);
  }, [asOf, now]);
  const f = freshness(at - asOf);
  const text =
    f.unit === 'now'
      ? t('updatedNow')
      : f.unit === 's'
        ? t('updatedSecondsAgo', { n: num(f.n) })
        : t('updatedMinutesAgo', { n: num(f.n) });
  return (
    <span className="freshness" data-age-ms={Math.max(0, Math.round(at - asOf))}>
      {text}
    </span>
  );
}
