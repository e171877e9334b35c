/**
 * What a sale date's status means for the traveller: "on sale from …" before the opening (with the way into
 * the waiting room once it is open), and a sold-out notice. Nothing while the date simply sells.
 */
import type { Sale } from '../api/types.js';
import { useI18n } from '../i18n/i18n.js';
import { waitingRoomHref } from '../lib/app-context.js';
import { Link } from '../lib/router.js';
import { mustQueue } from '../lib/sale.js';
import { Notice } from './notice.js';

export function SaleNotice({ sale, next, now = Date.now() }: { sale: Sale | undefined; next?: string; now?: number }) {
  const { t, dateTime, date: fmtDate } = useI18n();
  if (!sale) return null;
  if (sale.status === 'sold-out')
    return (
      <div className="sale-notice" data-sale-status={sale.status}>
        <Notice kind="warn">{t('saleSoldOut', { date: fmtDate(sale.date) })}</Notice>
      </div>
    );
  const notYet = Date.parse(sale.opensAt) > now;
  if (!notYet && !(sale.roomActive && mustQueue(sale))) return null;
  return (
    <div className="sale-notice" data-sale-status={sale.status}>
      <Notice>
        {notYet && <strong>{t('onSaleFrom', { time: dateTime(sale.opensAt) })}</strong>}
        {sale.roomActive && mustQueue(sale) && (
          <>
            {notYet && ' · '}
            {t('saleQueueing')}{' '}
            <Link className="button" to={waitingRoomHref(sale.date, next)}>
              {t('joinWaitingRoom')}
            </Link>
          </>
        )}
      </Notice>
    </div>
  );
}
