/** While the client waits out a 429/503, a calm banner counts down to the automatic retry. */
import { useEffect, useState } from 'react';
import type { BusyState } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';
import { useApi } from '../lib/app-context.js';

export function BusyBanner() {
  const api = useApi();
  const { t, num } = useI18n();
  const [busy, setBusy] = useState<BusyState | null>(null);
  const [now, setNow] = useState(Date.now());

  useEffect(() => api.client.onBusyChange(setBusy), [api]);
  useEffect(() => {
    if (!busy) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [busy]);

  if (!busy) return null;
  const seconds = Math.max(0, Math.ceil((busy.retryAt - now) / 1000));
  return (
    <div className="busy-banner" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {t('busy', { s: num(seconds) })}
    </div>
  );
}
