-- Up Migration
-- Payments against the provider. Only a card's brand and last four digits are stored, never the number.
CREATE TABLE payments (
  id uuid PRIMARY KEY,
  booking_id uuid NOT NULL,
  user_id text NOT NULL,
  amount integer NOT NULL CHECK (amount >= 0),
  currency text NOT NULL DEFAULT 'BDT' CHECK (currency = 'BDT'),
  status text NOT NULL CHECK (status IN ('INITIATED', 'SUCCEEDED', 'FAILED', 'REFUNDED')),
  method text CHECK (method IN ('card', 'bkash', 'nagad')),
  card_brand text,
  card_last4 text CHECK (card_last4 ~ '^[0-9]{4}$'),
  wallet_last4 text CHECK (wallet_last4 ~ '^[0-9]{4}$'),
  provider_reference text,
  failure_reason text,
  retryable boolean,
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  succeeded_at timestamptz,
  refunded_at timestamptz
);
-- At most one open payment per booking (still payable, or paid): re-initiating returns it, and a booking can
-- never be charged through two payments. A closed (REFUNDED) payment frees the booking.
CREATE UNIQUE INDEX payments_one_open_per_booking ON payments (booking_id) WHERE status IN ('INITIATED', 'FAILED', 'SUCCEEDED');
CREATE INDEX payments_user_idx ON payments (user_id, created_at DESC);

-- Every call to the provider, successful or not.
CREATE TABLE payment_attempts (
  id uuid PRIMARY KEY,
  payment_id uuid NOT NULL REFERENCES payments (id),
  attempt_no integer NOT NULL,
  method text NOT NULL CHECK (method IN ('card', 'bkash', 'nagad')),
  card_brand text,
  card_last4 text,
  wallet_last4 text,
  outcome text NOT NULL CHECK (outcome IN ('succeeded', 'declined', 'error')),
  reason text,
  retryable boolean NOT NULL DEFAULT false,
  provider_reference text,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (payment_id, attempt_no)
);

-- One refund per payment (full or as requested by the cancellation), whatever number of events ask for it.
CREATE TABLE refunds (
  id uuid PRIMARY KEY,
  payment_id uuid NOT NULL UNIQUE REFERENCES payments (id),
  amount integer NOT NULL CHECK (amount > 0),
  reason text NOT NULL,
  provider_reference text NOT NULL,
  event_id uuid,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Idempotency-Key per user: the first answer is replayed for the same request; a different request is refused.
-- request_hash is salted so that a stored hash cannot be used to guess the card number it covered.
CREATE TABLE idempotency_keys (
  user_id text NOT NULL,
  key text NOT NULL,
  operation text NOT NULL,
  request_salt bytea NOT NULL,
  request_hash bytea NOT NULL,
  response_status integer,
  response_body jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Down Migration
DROP TABLE idempotency_keys;
DROP TABLE refunds;
DROP TABLE payment_attempts;
DROP TABLE payments;
