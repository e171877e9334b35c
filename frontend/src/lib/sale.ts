/**
 * A sale date's status from the waiting room (when it opens, whether its room is active, sold out), for the
 * pages that show "on sale from …". Read once per date for a few seconds, and again when its opening or
 * its room's opening passes. If the queue service does not answer, the pages simply show no notice: the hot
 * endpoints still say QUEUE_REQUIRED when it matters.
 */
import { useEffect, useState } from 'react';
import type { Api } from '../api/endpoints.js';
import { passFor } from '../api/queue-pass.js';
import type { Sale } from '../api/types.js';
import { waitingRoomHref } from './app-context.js';

const FRESH_MS = 5000;
const cache = new Map<string, { at: number; sale: Promise<Sale> }>();

export function loadSale(api: Api, date: string, now = Date.now()): Promise<Sale> {
  const hit = cache.get(date);
  if (hit && now - hit.at < FRESH_MS) return hit.sale;
  const sale = api.sale(date, { retryBusy: false });
  sale.catch(() => cache.delete(date));
  cache.set(date, { at: now, sale });
  return sale;
}

export function resetSaleCache(): void {
  cache.clear();
}

export function useSale(api: Api, date: string | undefined): Sale | undefined {
  const [sale, setSale] = useState<Sale>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!date) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    loadSale(api, date)
      .then((s) => {
        if (!live) return;
        setSale(s);
        // Look again just after the next moment that changes what the page should say.
        const next = [s.roomOpensAt, s.opensAt].map((iso) => Date.parse(iso) - api.client.serverNow()).filter((ms) => ms > 0);
        if (next.length) timer = setTimeout(() => setTick((n) => n + 1), Math.min(...next, 2 ** 31 - 1) + FRESH_MS + 250);
      })
      .catch(() => undefined);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [api, date, tick]);
  return sale && sale.date === date ? sale : undefined;
}

/** Whether this tab must queue before choosing seats for the date: its room is active (or opens later) and no pass is held. */
export function mustQueue(sale: Sale | undefined): boolean {
  if (!sale || sale.status === 'sold-out') return false;
  if (passFor(sale.date)) return false;
  return sale.roomActive || sale.status === 'scheduled';
}

/** Where a link to the seat map should go: the waiting room first when the date needs it. */
export function throughQueue(sale: Sale | undefined, seatsHref: string): string {
  return sale && mustQueue(sale) ? waitingRoomHref(sale.date, seatsHref) : seatsHref;
}
