-- Up Migration
-- The issued e-tickets, one row per booking (the primary key is what makes issuing idempotent: the first
-- signed QR wins, and every later issue, from a redelivered event or a re-issue on read, gets that one back).
-- A cancellation voids the row, or creates it void when the cancellation overtook the confirmation, so a
-- late booking.confirmed cannot bring a cancelled ticket back. A void ticket keeps its QR as a record.
CREATE TABLE tickets (
  booking_id uuid PRIMARY KEY,
  status text NOT NULL CHECK (status IN ('issued', 'void')),
  user_id text,
  reference text,
  qr text,
  issued_at timestamptz,
  voided_at timestamptz,
  CHECK (status <> 'issued' OR (user_id IS NOT NULL AND reference IS NOT NULL AND qr IS NOT NULL AND issued_at IS NOT NULL)),
  CHECK (status <> 'void' OR voided_at IS NOT NULL)
);

-- Every message sent, once per recipient, channel and idempotency key (ticket:<bookingId>, refund:<paymentId>,
-- otp:<requestId>, ...): a repeat sends nothing and reports the first message id. No body is kept (OTP codes
-- must not sit in a database); the development inbox with the bodies stays in Redis. Rows older than
-- SENT_MARKER_TTL_SECONDS are purged by a periodic job through sent_messages_created_idx.
CREATE TABLE sent_messages (
  recipient text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('sms', 'email')),
  idempotency_key text NOT NULL,
  message_id uuid NOT NULL,
  kind text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (recipient, channel, idempotency_key)
);
CREATE INDEX sent_messages_created_idx ON sent_messages (created_at);

-- Down Migration
DROP TABLE sent_messages;
DROP TABLE tickets;
