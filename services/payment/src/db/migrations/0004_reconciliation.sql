-- Up Migration
-- What the reconciliation job (src/use-cases/reconcile.ts) currently finds wrong, one row per kind and subject
-- (a payment id or a provider charge reference). A row is added or refreshed when a run sees the problem and
-- deleted when a run sees it resolved; the discrepancy metric counts these rows per kind.
CREATE TABLE reconciliation_findings (
  kind text NOT NULL CHECK (kind IN ('paid_booking_not_active', 'charge_without_payment', 'payment_without_charge', 'refund_mismatch')),
  subject text NOT NULL,
  payment_id uuid,
  booking_id text,
  detail text NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, subject)
);

-- When the job last asked the booking service about a paid payment's booking: each run asks about the
-- least recently checked ones first, a bounded number, so every paid booking is looked at in turn.
ALTER TABLE payments ADD COLUMN booking_checked_at timestamptz;
CREATE INDEX payments_succeeded_check_idx ON payments (booking_checked_at NULLS FIRST) WHERE status = 'SUCCEEDED';

-- Down Migration
DROP INDEX payments_succeeded_check_idx;
ALTER TABLE payments DROP COLUMN booking_checked_at;
DROP TABLE reconciliation_findings;
