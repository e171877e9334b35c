-- Up Migration
-- The table postgresIdempotencyStore works on, as a service creates it (payment: 0001_payments + 0002).
CREATE TABLE idempotency_keys (
  user_id text NOT NULL,
  key text NOT NULL,
  operation text NOT NULL,
  request_salt bytea NOT NULL,
  request_hash bytea NOT NULL,
  response_status integer,
  response_content_type text,
  response_body text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Down Migration
DROP TABLE idempotency_keys;
