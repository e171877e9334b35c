-- Up Migration
-- A verify no longer holds a transaction (nor the payment's row lock) across the provider call. It records the
-- attempt as 'pending' in a short first transaction, calls the provider outside any transaction with the
-- attempt's provider idempotency key, and records the outcome in a short second one (src/use-cases/payment-attempts.ts).
-- - provider_key: the idempotency key sent to the provider, `<paymentId>:<attemptNo>`; the provider's ledger is
--   looked up by it to resolve an attempt whose outcome was never recorded (the process died after the charge).
-- - lease_token / lease_until: who is running the pending attempt and until when. Another verify of the same
--   payment meanwhile gets 409 PAYMENT_IN_PROGRESS; once the lease has lapsed (its process died, or it gave up on
--   the provider and let it go) a verify or the reconciliation job takes the attempt over and resolves it.
-- - completed_at: when the outcome was recorded.
ALTER TABLE payment_attempts DROP CONSTRAINT payment_attempts_outcome_check;
ALTER TABLE payment_attempts ADD CONSTRAINT payment_attempts_outcome_check
  CHECK (outcome IN ('pending', 'succeeded', 'declined', 'error'));
ALTER TABLE payment_attempts ADD COLUMN provider_key text;
UPDATE payment_attempts SET provider_key = payment_id::text || ':' || attempt_no;
ALTER TABLE payment_attempts ALTER COLUMN provider_key SET NOT NULL;
ALTER TABLE payment_attempts ADD COLUMN lease_token uuid;
ALTER TABLE payment_attempts ADD COLUMN lease_until timestamptz;
ALTER TABLE payment_attempts ADD COLUMN completed_at timestamptz;
UPDATE payment_attempts SET completed_at = created_at;
ALTER TABLE payment_attempts ADD CONSTRAINT payment_attempts_pending_has_lease
  CHECK ((outcome = 'pending') = (lease_token IS NOT NULL AND lease_until IS NOT NULL AND completed_at IS NULL));
-- At most one attempt in progress per payment: the second verify is refused instead of charging again.
CREATE UNIQUE INDEX payment_attempts_one_pending ON payment_attempts (payment_id) WHERE outcome = 'pending';
-- The reconciliation job's sweep of lapsed attempts.
CREATE INDEX payment_attempts_pending_lease_idx ON payment_attempts (lease_until) WHERE outcome = 'pending';

-- Down Migration
DROP INDEX payment_attempts_pending_lease_idx;
DROP INDEX payment_attempts_one_pending;
ALTER TABLE payment_attempts DROP CONSTRAINT payment_attempts_pending_has_lease;
DELETE FROM payment_attempts WHERE outcome = 'pending';
ALTER TABLE payment_attempts DROP COLUMN completed_at;
ALTER TABLE payment_attempts DROP COLUMN lease_until;
ALTER TABLE payment_attempts DROP COLUMN lease_token;
ALTER TABLE payment_attempts DROP COLUMN provider_key;
ALTER TABLE payment_attempts DROP CONSTRAINT payment_attempts_outcome_check;
ALTER TABLE payment_attempts ADD CONSTRAINT payment_attempts_outcome_check CHECK (outcome IN ('succeeded', 'declined', 'error'));
