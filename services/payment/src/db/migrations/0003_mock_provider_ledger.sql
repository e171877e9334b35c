-- Up Migration
-- The MOCK PAYMENT PROVIDER's side, not the payment service's: what a real gateway keeps on its own servers
-- (its charges and refunds, by the idempotency keys the service sent). It lives in payment_db only because the
-- provider is simulated; nothing but src/provider/mock-provider.ts reads or writes these tables, over its own
-- connections and transactions, never inside the service's. Kept on disk so that a refund after a restart of
-- the payment service still finds its charge (the in-memory ledger lost it, and the refund was dead-lettered).

-- Every charge request by idempotency key, with the answer given (a repeat gets the same answer).
CREATE TABLE mock_provider_charges (
  idempotency_key text PRIMARY KEY,
  outcome text NOT NULL CHECK (outcome IN ('succeeded', 'declined', 'error')),
  result jsonb NOT NULL,
  -- The provider's charge reference (ch_...): set for succeeded and declined charges.
  reference text UNIQUE,
  merchant_reference text NOT NULL,
  amount integer NOT NULL CHECK (amount >= 0),
  -- Money refunded so far; only a captured (succeeded) charge can be refunded, never beyond its amount.
  refunded integer NOT NULL DEFAULT 0 CHECK (refunded >= 0 AND refunded <= amount),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (outcome = 'error' OR reference IS NOT NULL),
  CHECK (outcome = 'succeeded' OR refunded = 0)
);
CREATE INDEX mock_provider_charges_captured_idx ON mock_provider_charges (created_at) WHERE outcome = 'succeeded';

-- Every refund by idempotency key (the service sends refund:<paymentId>, so one refund per payment's charge).
CREATE TABLE mock_provider_refunds (
  idempotency_key text PRIMARY KEY,
  charge_reference text NOT NULL REFERENCES mock_provider_charges (reference),
  amount integer NOT NULL CHECK (amount > 0),
  reference text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX mock_provider_refunds_charge_idx ON mock_provider_refunds (charge_reference);

-- Down Migration
DROP TABLE mock_provider_refunds;
DROP TABLE mock_provider_charges;
