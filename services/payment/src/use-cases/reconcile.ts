/**
 * Reconciliation: compares the payments with the provider's settlement report and with the bookings, and keeps
 * what is wrong in `reconciliation_findings` (one row per kind and subject; added when seen, deleted when seen
 * resolved). Kinds:
 * - paid_booking_not_active: a SUCCEEDED payment (no refund) whose booking is CANCELLED or EXPIRED, or unknown
 *   to the booking service: the traveller paid for nothing and is owed a refund (typically a booking.cancelled
 *   whose refund was dead-lettered). Flagged, not refunded here: how much to refund is the cancellation's
 *   decision, and replaying that event (or refunding by hand) is the remedy.
 * - charge_without_payment: the provider captured a charge that no SUCCEEDED or REFUNDED payment records
 *   (e.g. the service died between the charge and recording it): money taken with nothing to show for it.
 * - payment_without_charge: a SUCCEEDED or REFUNDED payment whose charge the provider does not have.
 * - refund_mismatch: what the provider refunded on a charge differs from the refund the service recorded.
 * Everything younger than `graceMs` is left alone (work in flight); the provider side is compared over
 * `lookbackMs`; the booking side asks about at most `maxBookingChecks` paid payments per run, least recently
 * checked first, so every paid booking is looked at in turn without flooding the booking service.
 * Each run logs one line (warn when anything is wrong) and sets the discrepancy gauge per kind. Before comparing,
 * a run resolves the payment attempts left in progress past their lease (payment-attempts.ts) from the provider's
 * ledger: a charge the provider captured becomes a SUCCEEDED payment with its event, not a finding.
 */
import type { Pool } from '@rail/db';
import type { Logger } from '@rail/logger';
import { Gauge, type Registry } from 'prom-client';
import type { BookingClient } from '../clients/booking-client.js';
import type { PaymentProvider } from '../provider/provider.js';
import { resolveLapsedAttempts } from './payment-attempts.js';

export const DISCREPANCY_KINDS = [
  'paid_booking_not_active',
  'charge_without_payment',
  'payment_without_charge',
  'refund_mismatch',
] as const;
export type DiscrepancyKind = (typeof DISCREPANCY_KINDS)[number];

export interface Discrepancy {
  kind: DiscrepancyKind;
  /** The payment id, or the provider's charge reference for a charge without a payment. */
  subject: string;
  paymentId: string | null;
  bookingId: string | null;
  detail: string;
}

export interface ReconciliationMetrics {
  discrepancies: Gauge<'kind'>;
  lastRun: Gauge;
}

/** The gauges, registered on the service's /metrics registry. */
export function reconciliationMetrics(registry: Registry): ReconciliationMetrics {
  return {
    discrepancies: new Gauge({
      name: 'payment_reconciliation_discrepancies',
      help: 'Open reconciliation findings by kind (paid_booking_not_active, charge_without_payment, payment_without_charge, refund_mismatch)',
      labelNames: ['kind'] as const,
      registers: [registry],
    }),
    lastRun: new Gauge({
      name: 'payment_reconciliation_last_run_timestamp_seconds',
      help: 'When the last reconciliation run finished (seconds since the epoch)',
      registers: [registry],
    }),
  };
}

export interface ReconcileDeps {
  pool: Pool;
  provider: PaymentProvider;
  bookings: BookingClient;
  logger: Logger;
  metrics?: ReconciliationMetrics;
  /** PROVIDER_TIMEOUT_MS, for the leases of the attempts it resolves. */
  providerTimeoutMs?: number;
}

export interface ReconcileOptions {
  now?: Date;
  /** Younger than this is in flight, not a discrepancy. Default 10 minutes. */
  graceMs?: number;
  /** How far back the provider's charges are compared. Default 7 days. */
  lookbackMs?: number;
  /** Booking lookups per run. Default 200. */
  maxBookingChecks?: number;
}

export interface ReconciliationReport {
  /** What this run saw wrong (the same subjects may have been seen before). */
  found: Discrepancy[];
  /** Open findings per kind after the run. */
  open: Record<DiscrepancyKind, number>;
  chargesCompared: number;
  bookingsChecked: number;
  /** Attempts left in progress (lease lapsed) that this run resolved from the provider's ledger first. */
  attemptsResolved: number;
}

interface PaymentRecord {
  id: string;
  booking_id: string;
  status: string;
  amount: number;
  provider_reference: string | null;
  refunded: number | null;
}

const HOUR = 3_600_000;

export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<ReconciliationReport> {
  const now = options.now ?? new Date();
  const before = new Date(now.getTime() - (options.graceMs ?? 10 * 60_000));
  const since = new Date(now.getTime() - (options.lookbackMs ?? 7 * 24 * HOUR));
  const found: Discrepancy[] = [];

  // Attempts whose process died between the charge and recording it (or gave up on the provider) are resolved
  // from the provider's ledger first, so their charges are recorded payments before the comparison below.
  const attemptsResolved = await resolveLapsedAttempts(deps);

  // Provider side. A charge is made a moment before its payment is recorded, so payments are matched
  // against a report reaching an hour further back (and up to now) than the window they are taken from.
  const report = await deps.provider.capturedCharges(new Date(since.getTime() - HOUR), now);
  const inWindow = report.filter((c) => c.capturedAt >= since && c.capturedAt < before);
  const byReference = new Map(report.map((c) => [c.reference, c]));
  const { rows: charged } = await deps.pool.query<PaymentRecord>(
    `SELECT p.id, p.booking_id, p.status, p.amount, p.provider_reference, r.amount AS refunded
     FROM payments p LEFT JOIN refunds r ON r.payment_id = p.id
     WHERE p.provider_reference = ANY($1::text[]) AND p.status IN ('SUCCEEDED', 'REFUNDED')`,
    [inWindow.map((c) => c.reference)],
  );
  const paymentByReference = new Map(charged.map((p) => [p.provider_reference, p]));
  for (const charge of inWindow) {
    const payment = paymentByReference.get(charge.reference);
    if (!payment) {
      found.push({
        kind: 'charge_without_payment',
        subject: charge.reference,
        paymentId: null,
        bookingId: charge.merchantReference,
        detail: `provider captured ${charge.amount} (${charge.refunded} refunded) with no paid payment recording it`,
      });
    } else if ((payment.refunded ?? 0) !== charge.refunded) {
      found.push({
        kind: 'refund_mismatch',
        subject: payment.id,
        paymentId: payment.id,
        bookingId: payment.booking_id,
        detail: `provider refunded ${charge.refunded}, the service recorded ${payment.refunded ?? 0}`,
      });
    }
  }
  const { rows: paid } = await deps.pool.query<PaymentRecord>(
    `SELECT p.id, p.booking_id, p.status, p.amount, p.provider_reference, r.amount AS refunded
     FROM payments p LEFT JOIN refunds r ON r.payment_id = p.id
     WHERE p.status IN ('SUCCEEDED', 'REFUNDED') AND p.succeeded_at >= $1 AND p.succeeded_at < $2`,
    [since, before],
  );
  for (const payment of paid) {
    if (payment.provider_reference !== null && byReference.has(payment.provider_reference)) continue;
    found.push({
      kind: 'payment_without_charge',
      subject: payment.id,
      paymentId: payment.id,
      bookingId: payment.booking_id,
      detail: `payment is ${payment.status} but the provider has no captured charge ${payment.provider_reference ?? '(none)'}`,
    });
  }

  // Booking side: paid, not refunded, least recently checked first.
  const { rows: toCheck } = await deps.pool.query<{ id: string; booking_id: string }>(
    `SELECT id, booking_id FROM payments WHERE status = 'SUCCEEDED' AND succeeded_at < $1
     ORDER BY booking_checked_at NULLS FIRST, succeeded_at LIMIT $2`,
    [before, options.maxBookingChecks ?? 200],
  );
  const checked: string[] = [];
  for (const payment of toCheck) {
    // An unavailable booking service ends the booking side of this run; the next run carries on.
    let booking: Awaited<ReturnType<BookingClient['getBooking']>>;
    try {
      booking = await deps.bookings.getBooking(payment.booking_id);
    } catch (err) {
      deps.logger.warn({ err, job: 'reconcile-payments' }, 'booking service unavailable; booking checks resume next run');
      break;
    }
    checked.push(payment.id);
    if (booking === null || booking.status === 'CANCELLED' || booking.status === 'EXPIRED') {
      found.push({
        kind: 'paid_booking_not_active',
        subject: payment.id,
        paymentId: payment.id,
        bookingId: payment.booking_id,
        detail: `payment SUCCEEDED without a refund, booking is ${booking?.status ?? 'unknown to the booking service'}`,
      });
    }
  }

  const open = await record(deps.pool, found, checked);
  deps.metrics?.lastRun.set(Date.now() / 1000);
  if (deps.metrics) for (const kind of DISCREPANCY_KINDS) deps.metrics.discrepancies.set({ kind }, open[kind]);
  const summary = {
    job: 'reconcile-payments',
    open,
    found: found.length,
    chargesCompared: inWindow.length,
    bookingsChecked: checked.length,
    attemptsResolved,
  };
  if (found.length > 0) {
    deps.logger.warn(
      { ...summary, discrepancies: found.slice(0, 20) },
      `reconciliation found ${found.length} discrepanc${found.length === 1 ? 'y' : 'ies'}`,
    );
  } else {
    deps.logger.info(summary, 'reconciliation found no discrepancies');
  }
  return { found, open, chargesCompared: inWindow.length, bookingsChecked: checked.length, attemptsResolved };
}

/** Upserts what was found, deletes what a run saw resolved, and counts the open findings per kind. */
async function record(pool: Pool, found: Discrepancy[], checked: string[]): Promise<Record<DiscrepancyKind, number>> {
  // The database's clock, as last_seen_at is: every row refreshed below is at or after it.
  const { rows: started } = await pool.query<{ at: Date }>('SELECT clock_timestamp() AS at');
  for (const d of found) {
    await pool.query(
      `INSERT INTO reconciliation_findings (kind, subject, payment_id, booking_id, detail) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (kind, subject) DO UPDATE SET detail = EXCLUDED.detail, last_seen_at = now()`,
      [d.kind, d.subject, d.paymentId, d.bookingId, d.detail],
    );
  }
  // The provider-side kinds are compared over the whole window each run: not seen this run means resolved.
  await pool.query(
    `DELETE FROM reconciliation_findings
     WHERE kind IN ('charge_without_payment', 'payment_without_charge', 'refund_mismatch') AND last_seen_at < $1`,
    [started[0]?.at],
  );
  // A booking check is per payment: a checked payment not found wrong, or one no longer SUCCEEDED, is resolved.
  const wrong = found.filter((d) => d.kind === 'paid_booking_not_active').map((d) => d.subject);
  await pool.query(
    `DELETE FROM reconciliation_findings f WHERE f.kind = 'paid_booking_not_active'
     AND ((f.subject = ANY($1::text[]) AND NOT f.subject = ANY($2::text[]))
          OR NOT EXISTS (SELECT 1 FROM payments p WHERE p.id = f.payment_id AND p.status = 'SUCCEEDED'))`,
    [checked, wrong],
  );
  if (checked.length > 0) {
    await pool.query('UPDATE payments SET booking_checked_at = now() WHERE id = ANY($1::uuid[])', [checked]);
  }
  const { rows } = await pool.query<{ kind: DiscrepancyKind; n: number }>(
    'SELECT kind, count(*)::int AS n FROM reconciliation_findings GROUP BY kind',
  );
  const open = Object.fromEntries(DISCREPANCY_KINDS.map((k) => [k, 0])) as Record<DiscrepancyKind, number>;
  for (const row of rows) open[row.kind] = row.n;
  return open;
}
